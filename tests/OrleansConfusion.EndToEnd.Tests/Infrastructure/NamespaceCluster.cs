using System.Diagnostics;
using DuckDB.NET.Data;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Redis and three silos, each on a host of its own (<see cref="NamespaceNetwork"/>): Redis at .2, silo i at
/// .(10+i), each silo advertising its own address on the standard ports (11111 silo, 30000 gateway, 8080 HTTP),
/// as on separate machines. They share one output directory, as pods share a ReadWriteMany volume.
/// </summary>
public sealed class NamespaceCluster : IAsyncDisposable
{
    public const int RedisPort = 6379;
    public const int SiloPort = 11111;
    public const int GatewayPort = 30000;
    public const int HttpPort = 8080;

    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(3) };

    /// <summary>
    /// Membership timings for these tests, set explicitly (docs/KUBERNETES.md has the production values): a
    /// partitioned silo is suspected after 2 missed 2 s probes and declared dead once 2 silos voted, within
    /// ~10 s; the table is re-read every 5 s, so a healed silo learns soon that it was declared dead.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Membership = new Dictionary<string, string>
    {
        ["Silo__Membership__ProbeTimeout"] = "00:00:02",
        ["Silo__Membership__NumMissedProbesLimit"] = "2",
        ["Silo__Membership__NumVotesForDeathDeclaration"] = "2",
        ["Silo__Membership__IAmAliveTablePublishTimeout"] = "00:00:05",
        ["Silo__Membership__TableRefreshTimeout"] = "00:00:05",
        ["Silo__Membership__DeathVoteExpirationTimeout"] = "00:00:30",
    };

    readonly NamespaceNetwork _network;
    readonly Dictionary<string, string> _siloEnv;
    readonly ManagedProcess?[] _silos = new ManagedProcess?[3];
    readonly List<ManagedProcess> _retired = [];

    NamespaceCluster(NamespaceNetwork network, string directory, IReadOnlyDictionary<string, string> env)
    {
        _network = network;
        Directory = directory;
        _siloEnv = new Dictionary<string, string>
        {
            ["Silo__Clustering"] = "Redis",
            ["ConnectionStrings__Redis"] = $"{network.Address(2)}:{RedisPort}",
            // Plaintext, chosen explicitly (a clustered silo must choose); these tests are about the network.
            ["Silo__Tls__Mode"] = "None",
            ["Silo__SiloPort"] = SiloPort.ToString(),
            ["Silo__GatewayPort"] = GatewayPort.ToString(),
            ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(directory, "checkpoints"),
            ["OrleansConfusion__Scheduling__CpuSlots"] = "1",
            ["OrleansConfusion__Scheduling__StaleAfter"] = "00:00:10",
            ["OrleansConfusion__Scheduling__ReportInterval"] = "00:00:00.250",
            // Parts sealed every second or 16 rows: a partition lands among seals, open segments and adoptions.
            ["OrleansConfusion__Output__PartRows"] = "16",
            ["OrleansConfusion__Output__PartInterval"] = "00:00:01",
            ["DOTNET_gcServer"] = "0",
        };
        foreach (var (k, v) in Membership) _siloEnv[k] = v;
        foreach (var (k, v) in env) _siloEnv[k] = v;
    }

    public NamespaceNetwork Network => _network;

    /// <summary>The silos' working directory and output base: sweeps land in runs/&lt;name&gt;/.</summary>
    public string Directory { get; }

    public string ClusterOption => $"redis://{_network.Address(2)}:{RedisPort}";

    public ManagedProcess Redis { get; private set; } = null!;

    public static string Host(int silo) => $"silo{silo}";

    public string SiloAddress(int silo) => _network.Address(10 + silo);

    public ManagedProcess Silo(int silo) => _silos[silo] ?? throw new InvalidOperationException($"silo{silo} is not running");

    /// <summary>The processes of earlier runs of a restarted silo, for failure messages and exit checks.</summary>
    public IReadOnlyList<ManagedProcess> Retired => _retired;

    /// <param name="beforeProcesses">Runs once every host exists and before Redis and the silos start (network conditions for the whole run).</param>
    public static async Task<NamespaceCluster> StartAsync(string directory, IReadOnlyDictionary<string, string>? env = null, Func<NamespaceNetwork, Task>? beforeProcesses = null)
    {
        var network = await NamespaceNetwork.CreateAsync();
        var cluster = new NamespaceCluster(network, directory, env ?? new Dictionary<string, string>());
        try
        {
            await network.AddHostAsync("redis", 2);
            for (var i = 0; i < 3; i++) await network.AddHostAsync(Host(i), 10 + i);
            if (beforeProcesses is not null) await beforeProcesses(network);
            cluster.Redis = network.Start("redis", "redis-server", RequiredTool.Find("redis-server"),
                // Protected mode would refuse every non-loopback client; only this test's bridge reaches the address.
                ["--port", RedisPort.ToString(), "--bind", network.Address(2), "--protected-mode", "no", "--save", "", "--appendonly", "no"]);
            await NamespaceNetwork.WaitForTcpAsync(network.Address(2), RedisPort, TimeSpan.FromSeconds(20), cluster.Redis);
            for (var i = 0; i < 3; i++) cluster.StartSilo(i);
            for (var i = 0; i < 3; i++) await cluster.WaitReadyAsync(i, TimeSpan.FromSeconds(120));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts silo i in its namespace (again, after it stopped: the old process is kept in <see cref="Retired"/>).</summary>
    public ManagedProcess StartSilo(int i)
    {
        if (_silos[i] is { } old) _retired.Add(old);
        var env = new Dictionary<string, string>(_siloEnv)
        {
            ["Silo__AdvertisedIPAddress"] = SiloAddress(i),
            ["Urls"] = $"http://{SiloAddress(i)}:{HttpPort}",
        };
        return _silos[i] = _network.Start(Host(i), $"silo{i}#{_retired.Count(r => r.Name.StartsWith($"silo{i}#", StringComparison.Ordinal)) + 1}",
            "dotnet", [RepoPaths.SiloDll], env, Directory);
    }

    public async Task WaitReadyAsync(int i, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Silo(i).HasExited) Assert.Fail($"silo{i} exited with {Silo(i).ExitCode}.\n{Silo(i).Tail()}");
            if (await IsReadyAsync(i)) return;
            await Task.Delay(250);
        }

        Assert.Fail($"silo{i} was not ready within {timeout}.\n{Silo(i).Tail()}");
    }

    public async Task<bool> IsReadyAsync(int i)
    {
        try
        {
            using var response = await Http.GetAsync($"http://{SiloAddress(i)}:{HttpPort}/health/ready");
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>The silo's /metrics text, or null when it does not answer (partitioned, stopped).</summary>
    public async Task<string?> ScrapeAsync(int i)
    {
        try
        {
            return await Http.GetStringAsync($"http://{SiloAddress(i)}:{HttpPort}/metrics");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Steps trained on the silo (its trial grains' counter), or null when it does not answer.</summary>
    public async Task<double?> StepsAsync(int i) =>
        await ScrapeAsync(i) is { } text ? PrometheusText.Sum(text, "orleansconfusion_trial_steps_total") : null;

    /// <summary>Whether the silo hosts a sweep coordinator (it alone exports the per-sweep trial gauge).</summary>
    public async Task<bool> IsCoordinatingAsync(int i) =>
        await ScrapeAsync(i) is { } text && text.Contains("orleansconfusion_trials{", StringComparison.Ordinal);

    /// <summary>`confusion watch`, rerun while it reports the cluster unreachable (exit 3): a dead silo's gateway stays listed until it is voted out.</summary>
    public async Task<(int ExitCode, string Output)> WatchAsync(string sweep, TimeSpan timeout, params string[] extra)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = (0, "");
        while (clock.Elapsed < timeout)
        {
            try
            {
                (exitCode, output) = await CliRunner.RunAsync(timeout - clock.Elapsed, ["watch", sweep, "--cluster", ClusterOption, .. extra]);
            }
            catch (Xunit.Sdk.FailException e)
            {
                Assert.Fail($"{e.Message}\n{Story()}"); // a watch that never ends: what the silos said is the evidence
            }
            if (exitCode != 3) break;
            await Task.Delay(1000);
        }

        return (exitCode, output);
    }

    public string Tails(int lines = 40) =>
        string.Join('\n', _retired.Concat(_silos.OfType<ManagedProcess>()).Select(s => s.Tail(lines)));

    /// <summary>Lines of every silo run that mention trials, sweeps or membership: what a failure message needs.</summary>
    public string Story() =>
        string.Join('\n', _retired.Concat(_silos.OfType<ManagedProcess>()).Select(s => $"--- {s.Name} (exited: {s.HasExited})\n" +
            string.Join('\n', s.Output.Split('\n').Where(l => l.Contains("Trial ") || l.Contains("Sweep ") || l.Contains("oordinator")
                || l.Contains("dead", StringComparison.OrdinalIgnoreCase) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(80))));

    public ValueTask DisposeAsync() => _network.DisposeAsync();
}

/// <summary>What the output of a sweep must be after any fault: every (trial, step) row exactly once, every trial once.</summary>
public static class SweepOutputChecks
{
    /// <summary>
    /// Asserts the dataset's trials/ hold one completed row per trial and its metrics/ exactly
    /// <paramref name="rowsPerTrial"/> rows per trial, none repeated: count(*) = count(DISTINCT (trial_id, step)),
    /// and that the record behind the parts is empty (every segment sealed).
    /// </summary>
    public static void AssertEveryRowOnce(string sweepDirectory, int trials, int rowsPerTrial, Func<string> explain)
    {
        var trialsFile = DatasetFiles.Glob(sweepDirectory, DatasetLayout.Trials);
        var metricsFile = DatasetFiles.Glob(sweepDirectory, DatasetLayout.Metrics);
        Assert.True(DatasetFiles.Of(sweepDirectory, DatasetLayout.Trials).Count > 0 && DatasetFiles.Of(sweepDirectory, DatasetLayout.Metrics).Count > 0,
            $"missing output in {sweepDirectory}: {string.Join(", ", System.IO.Directory.Exists(sweepDirectory) ? System.IO.Directory.GetFileSystemEntries(sweepDirectory, "*", SearchOption.AllDirectories) : [])}\n{explain()}");
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string Why() => Text(db, $"SELECT string_agg(trial_id || ' ' || status || ' attempt ' || attempt || ' on ' || silo, '\n') FROM read_parquet('{trialsFile}')") + "\n" +
            Text(db, $"SELECT string_agg(trial_id || ': ' || n || ' rows, ' || d || ' distinct steps', '\n') FROM (SELECT trial_id, count(*) n, count(DISTINCT step) d FROM read_parquet('{metricsFile}') GROUP BY ALL)") +
            "\n" + explain();
        var trialRows = Scalar(db, $"SELECT count(*) FROM read_parquet('{trialsFile}')");
        Assert.True(trialRows == trials, $"trials/ has {trialRows} rows, expected {trials}:\n{Why()}");
        Assert.True(Scalar(db, $"SELECT count(DISTINCT trial_id) FROM read_parquet('{trialsFile}') WHERE status = 'completed'") == trials, $"not every trial completed once:\n{Why()}");
        var rows = Scalar(db, $"SELECT count(*) FROM read_parquet('{metricsFile}')");
        var distinct = Scalar(db, $"SELECT count(*) FROM (SELECT DISTINCT trial_id, step FROM read_parquet('{metricsFile}'))");
        Assert.True(rows == distinct, $"metrics/ repeats (trial_id, step): {rows} rows, {distinct} distinct:\n{Why()}");
        Assert.True(rows == (long)trials * rowsPerTrial, $"metrics/ has {rows} rows, expected {trials} x {rowsPerTrial}:\n{Why()}");

        // Each part is one coordinator activation's writing (a seal, an adopted segment or a merge): none holds a
        // (trial, step) twice, and the record behind them is empty once the sweep has ended, so no row waits unsealed.
        foreach (string part in DatasetFiles.Of(sweepDirectory, DatasetLayout.Metrics))
        {
            long inPart = Scalar(db, $"SELECT count(*) FROM read_parquet('{part}')");
            long distinctInPart = Scalar(db, $"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{part}')");
            Assert.True(inPart == distinctInPart, $"{Path.GetFileName(part)} holds {inPart} rows but {distinctInPart} distinct (trial_id, step): one writer repeated itself\n{Why()}");
        }
        var unsealed = DatasetLayout.Kinds.SelectMany(k => DatasetLayout.Segments(sweepDirectory, k)).Select(f => Path.GetFileName(f.Path)).ToList();
        Assert.True(unsealed.Count == 0, $"the sweep ended with unsealed record segments: {string.Join(", ", unsealed)}\n{Why()}");
    }

    /// <summary>Every line of one record file.</summary>
    static IEnumerable<System.Text.Json.JsonElement> Lines(string file) =>
        File.ReadLines(file).Where(line => line.Length > 0).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement);

    /// <summary>
    /// The outcomes a sweep's coordinator has recorded so far: a line each in the trials segments not sealed yet, a row
    /// each in the sealed parts (a trial finishes once in a sweep that is not resubmitted). A segment sealed while this
    /// counts is seen as one or the other, or (gone between the two listings) neither, which only delays a poll.
    /// </summary>
    public static int RecordedOutcomes(string sweepDirectory)
    {
        var parts = DatasetLayout.Parts(sweepDirectory, DatasetLayout.Trials);
        var sealedSequences = parts.Select(p => (p.Generation, p.Sequence)).ToHashSet();
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        long rows = 0;
        foreach (var part in parts)
        {
            try { rows += Scalar(db, $"SELECT count(*) FROM read_parquet('{part.Path}')"); }
            catch (DuckDB.NET.Data.DuckDBException) when (!File.Exists(part.Path)) { } // merged away meanwhile
        }
        foreach (var segment in DatasetLayout.Segments(sweepDirectory, DatasetLayout.Trials).Where(s => !sealedSequences.Contains((s.Generation, s.Sequence))))
        {
            try { rows += File.ReadLines(segment.Path).Count(line => line.EndsWith('}')); }
            catch (FileNotFoundException) { }
        }
        return (int)rows;
    }

    public static string Text(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar()) ?? "";
    }

    public static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
