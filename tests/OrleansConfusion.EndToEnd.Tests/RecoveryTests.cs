using System.Globalization;
using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// The faults that lose a sweep's grain state, and the recovery docs/KUBERNETES.md and scripts/local-cluster.sh give
/// for them: Redis without persistence SIGKILLed, then the coordinator's silo SIGKILLed two seconds later; Redis
/// restarted empty, every silo restarted, the spec resubmitted. Every row must come out exactly once, whichever
/// output folder the resubmit names. And `watch` must ride out a failover of the coordinator's silo.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RecoveryTests : IDisposable
{
    static readonly int[] Widths = [8, 16, 24, 32, 48, 64];
    // Six trials on three one-slot silos: when the first finishes, the next three are mid-way.
    const int Steps = 1500;
    const int MeasureEvery = 250;
    static readonly long RowsPerTrial = Steps / MeasureEvery + 1;

    readonly TempDirectory _dir = new("oc-e2e-recovery-");
    readonly List<IDisposable> _processes = [];
    readonly Dictionary<string, string> _env;

    public RecoveryTests() => _env = SiloProcess.FailoverSettings(_dir.Path);

    /// <param name="seeds">2: each width's two seeds train as one fuse group, in one grain and one slot; the guarantees hold per seed.</param>
    [Theory]
    [InlineData("runs", 1)]
    [InlineData("runs-elsewhere", 1)]
    [InlineData("runs", 2)]
    public async Task Redis_and_the_coordinators_silo_killed_then_the_documented_recovery_writes_every_row_once(string resubmitTo, int seeds)
    {
        string sweep = "e2e-recover-" + resubmitTo + (seeds > 1 ? "-fused" : "");
        long trialCount = Widths.Length * seeds;
        var redis = Own(await RedisServer.StartAsync());
        var silos = new List<SiloProcess>();
        for (int i = 0; i < 3; i++) silos.Add(Own(await SiloProcess.StartRedisAsync($"silo{i}", redis.Port, _dir.Path, _env)));
        string cluster = $"redis://127.0.0.1:{redis.Port}";
        string spec = SweepSpecs.Write(_dir.Path, sweep, Widths, Steps, MeasureEvery, seeds);
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", cluster, "--out", "runs");

        // Mid-sweep: some trials finished, others training.
        var coordinator = await CoordinatorWithCompletedAsync(silos, sweep, atLeast: 1, TimeSpan.FromMinutes(5));
        redis.Kill();
        await Task.Delay(TimeSpan.FromSeconds(2));
        coordinator.Kill();

        // The recovery: Redis back (empty: it kept nothing), every silo restarted, the spec resubmitted.
        int port = redis.Port;
        redis = Own(await RedisServer.StartOnAsync(port));
        foreach (var silo in silos) silo.Dispose();
        silos.Clear();
        for (int i = 0; i < 3; i++) silos.Add(Own(await SiloProcess.StartRedisAsync($"silo{i}-again", port, _dir.Path, _env)));
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(2), "submit", spec, "--cluster", cluster, "--out", resubmitTo);
        var (exitCode, watch) = (0, "");
        // Exit 3 is "cluster unreachable within 10 s" (a new client while silos are still joining, or a loaded machine):
        // a user reruns watch, and so does the test. Anything else ends it.
        for (int attempt = 0; attempt < 4; attempt++)
        {
            (exitCode, watch) = await CliRunner.RunAsync(TimeSpan.FromMinutes(6), "watch", sweep, "--cluster", cluster, "--json");
            if (exitCode != 3) break;
        }
        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch}\n{Logs(silos)}");

        string folder = Path.Combine(_dir.Path, resubmitTo, sweep);
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string trials = DatasetFiles.Glob(folder, DatasetLayout.Trials), metrics = DatasetFiles.Glob(folder, DatasetLayout.Metrics);
        Assert.Equal(trialCount, Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        Assert.Equal(trialCount * RowsPerTrial, Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')"));
        Assert.Equal(trialCount * RowsPerTrial, Scalar(db, $"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(trialCount, Scalar(db, $"SELECT count(*) FROM (SELECT trial_id FROM read_parquet('{metrics}') GROUP BY ALL HAVING count(*) = {RowsPerTrial} AND max(step) = {Steps})"));

        // Now that the sweep's state exists again, a resubmit to yet another folder is refused: it would start over without the rows.
        var (refused, message) = await CliRunner.RunAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", cluster, "--out", "runs-third");
        Assert.True(refused == 2, $"exit {refused}\n{message}");
        Assert.Contains("already writes to", message);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "runs-third", sweep)));
    }

    [Fact]
    public async Task Watch_rides_out_a_failover_of_the_coordinators_silo()
    {
        const string sweep = "e2e-watch-failover";
        var redis = Own(await RedisServer.StartAsync());
        var silos = new List<SiloProcess>();
        for (int i = 0; i < 3; i++) silos.Add(Own(await SiloProcess.StartRedisAsync($"silo{i}", redis.Port, _dir.Path, _env)));
        string cluster = $"redis://127.0.0.1:{redis.Port}";
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", SweepSpecs.Write(_dir.Path, sweep, Widths, Steps, MeasureEvery), "--cluster", cluster, "--out", "runs");
        ManagedProcess StartWatch() => Own(new ManagedProcess("confusion watch", "dotnet", [RepoPaths.CliDll, "watch", sweep, "--cluster", cluster, "--json"]));

        // Watch from the start. The CLI gives up connecting after 10 s (exit 3), so a watch alive for 12 s is following
        // the sweep; on a loaded machine one may not connect, and a user would rerun it, as the test does.
        var watch = StartWatch();
        var since = DateTime.UtcNow;
        var coordinator = await CoordinatorWithCompletedAsync(silos, sweep, atLeast: 1, TimeSpan.FromMinutes(5), () =>
        {
            if (watch.HasExited && watch.ExitCode == 3)
            {
                watch = StartWatch();
                since = DateTime.UtcNow;
            }
            Assert.False(watch.HasExited, $"watch ended before the failover with {(watch.HasExited ? watch.ExitCode : 0)}:\n{watch.Tail()}");
            return DateTime.UtcNow - since > TimeSpan.FromSeconds(12);
        });
        coordinator.Kill();

        int exitCode = await watch.WaitForExitAsync(TimeSpan.FromMinutes(6));
        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch.Tail(80)}\n{Logs(silos)}");
        Assert.Contains("\"completed\"", watch.Output);
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        string metrics = DatasetFiles.Glob(Path.Combine(_dir.Path, "runs", sweep), DatasetLayout.Metrics);
        Assert.Equal(Widths.Length * RowsPerTrial, Scalar(db, $"SELECT count(DISTINCT (trial_id, step)) FROM read_parquet('{metrics}')"));
        Assert.Equal(Widths.Length * RowsPerTrial, Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')"));
    }

    /// <summary>
    /// The silo coordinating <paramref name="sweep"/> (its /metrics carries the sweep's per-state gauge), once the
    /// sweep's record holds <paramref name="atLeast"/> outcomes.
    /// </summary>
    async Task<SiloProcess> CoordinatorWithCompletedAsync(IReadOnlyList<SiloProcess> silos, string sweep, int atLeast, TimeSpan timeout, Func<bool>? ready = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        string sweepDir = Path.Combine(_dir.Path, "runs", sweep);
        while (DateTime.UtcNow < deadline)
        {
            bool isReady = ready?.Invoke() ?? true;
            if (isReady && SweepOutputChecks.RecordedOutcomes(sweepDir) >= atLeast)
            {
                foreach (var silo in silos)
                {
                    try
                    {
                        if ((await silo.ScrapeAsync()).Contains($"orleansconfusion_trials{{", StringComparison.Ordinal)) return silo;
                    }
                    catch (HttpRequestException) { }
                }
            }
            await Task.Delay(100);
        }
        Assert.Fail($"no coordinator recorded {atLeast} outcomes within {timeout} ({SweepOutputChecks.RecordedOutcomes(sweepDir)} so far).\n{Logs(silos)}");
        return silos[0];
    }

    static string Logs(IEnumerable<SiloProcess> silos) => string.Join('\n', silos.Select(s => s.Process.Tail(40)));

    static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    T Own<T>(T process) where T : IDisposable
    {
        _processes.Add(process);
        return process;
    }

    public void Dispose()
    {
        for (int i = _processes.Count - 1; i >= 0; i--) _processes[i].Dispose();
        _dir.Dispose();
    }
}
