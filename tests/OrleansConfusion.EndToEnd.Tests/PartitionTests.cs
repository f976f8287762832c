using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// Network faults on a multi-host cluster: Redis and three silos, each in a network namespace of its own,
/// joined through a bridge (<see cref="NamespaceNetwork"/>). Each fault must leave the sweep complete with
/// every measurement row exactly once. Needs root (namespaces, veth, nft).
/// </summary>
[Trait("Category", "Partition")]
public sealed partial class PartitionTests : IAsyncLifetime
{
    static readonly int[] Widths = [8, 16, 32, 64];
    // Long enough that a trial is still training when a fault lands and while it lasts; step 0 is measured
    // too (before training), so each trial has Steps / MeasureEvery + 1 rows.
    const int Steps = 2000;
    const int MeasureEvery = 250;
    const int RowsPerTrial = Steps / MeasureEvery + 1;

    readonly TempDirectory _dir = new("oc-e2e-netns-");
    NamespaceCluster? _cluster;

    NamespaceCluster Cluster => _cluster ?? throw new InvalidOperationException("cluster not started");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_partitioned_silo_is_declared_dead_its_trials_rerun_and_it_stops_when_healed()
    {
        const string sweep = "netns-partition-silo";
        _cluster = await NamespaceCluster.StartAsync(_dir.Path);
        await SubmitAsync(sweep);

        var victim = await TrainingSiloAsync(coordinator: false, TimeSpan.FromMinutes(3));
        var victimProcess = Cluster.Silo(victim);
        var cut = Stopwatch.StartNew();
        await Cluster.Network.SetConnectedAsync(NamespaceCluster.Host(victim), false);

        // The others vote it dead: ProbeTimeout 2 s x 2 missed probes, 2 votes, so well within 45 s.
        var declared = await WaitForDeadAsync(victim, TimeSpan.FromSeconds(45));
        Assert.True(declared, $"silo{victim} was not declared dead within 45 s of the partition.\n{await MembershipAsync()}\n{Cluster.Story()}");
        var declaredAfter = cut.Elapsed;

        // Heal: the old process learns that it was declared dead (table read, or a peer refusing it) and stops itself.
        await Cluster.Network.SetConnectedAsync(NamespaceCluster.Host(victim), true);
        var stopped = Stopwatch.StartNew();
        while (!victimProcess.HasExited && stopped.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(250);
        Assert.True(victimProcess.HasExited, $"silo{victim} kept running 60 s after the partition healed, though declared dead.\n{victimProcess.Tail(80)}");

        // A fresh process on the same host (same address, new generation) joins.
        Cluster.StartSilo(victim);
        await Cluster.WaitReadyAsync(victim, TimeSpan.FromSeconds(120));

        var (exitCode, watch) = await Cluster.WatchAsync(sweep, TimeSpan.FromMinutes(6));
        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch}\n{Cluster.Story()}");
        SweepOutputChecks.AssertEveryRowOnce(Path.Combine(_dir.Path, "runs", sweep), Widths.Length, RowsPerTrial,
            () => $"partitioned silo{victim}, declared dead after {declaredAfter.TotalSeconds:0.0} s\n{Cluster.Story()}");
        Assert.True(MaxAttempt(sweep) > 1, $"no trial was re-driven after silo{victim} was cut off:\n{Cluster.Story()}");
    }

    [Fact]
    public async Task A_partitioned_coordinator_is_replaced_and_only_one_coordinator_writes_the_output()
    {
        const string sweep = "netns-partition-coordinator";
        _cluster = await NamespaceCluster.StartAsync(_dir.Path);
        await SubmitAsync(sweep);

        var victim = await CoordinatorSiloAsync(TimeSpan.FromMinutes(3));
        var victimProcess = Cluster.Silo(victim);
        await Cluster.Network.SetConnectedAsync(NamespaceCluster.Host(victim), false);
        Assert.True(await WaitForDeadAsync(victim, TimeSpan.FromSeconds(45)),
            $"coordinator silo{victim} was not declared dead within 45 s.\n{await MembershipAsync()}\n{Cluster.Story()}");

        // Keep the old coordinator cut off for a while: it still runs, on the shared volume, while a new
        // activation on a surviving silo takes the sweep over and writes. The watch runs meanwhile.
        var watchTask = Cluster.WatchAsync(sweep, TimeSpan.FromMinutes(6));
        await Task.Delay(TimeSpan.FromSeconds(20));
        await Cluster.Network.SetConnectedAsync(NamespaceCluster.Host(victim), true);
        var stopped = Stopwatch.StartNew();
        while (!victimProcess.HasExited && stopped.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(250);
        Assert.True(victimProcess.HasExited, $"silo{victim} kept running 60 s after the partition healed.\n{victimProcess.Tail(80)}");

        var (exitCode, watch) = await watchTask;
        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch}\n{Cluster.Story()}");
        var output = Path.Combine(_dir.Path, "runs", sweep);
        SweepOutputChecks.AssertEveryRowOnce(output, Widths.Length, RowsPerTrial,
            () => $"partitioned coordinator silo{victim}\n{Cluster.Story()}");

        // Replaced: another activation took the sweep over, in a generation of its own (each activation loads the folder
        // and logs the generation it takes, one above any on disk, before it writes a row).
        var generations = Cluster.Retired.Concat(Enumerable.Range(0, 3).Select(Cluster.Silo))
            .SelectMany(p => GenerationLine().Matches(p.Output).Where(m => m.Groups["sweep"].Value == sweep))
            .Select(m => int.Parse(m.Groups["g"].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(generations.Count > 0 && generations.Max() >= 2,
            $"coordinator generations logged: [{string.Join(", ", generations)}]: the sweep was not taken over from silo{victim}\n{Cluster.Story()}");
        // Only one coordinator writes the output, and it is not the old one: the final files were written by an activation
        // on a silo that stayed in the cluster, and the cut-off coordinator, stopped once it learnt it was replaced, wrote
        // none (a coordinator logs "Sweep <name> Completed: sealed and compacted ..." when it has written them).
        string wrote = $"Sweep {sweep} Completed: sealed and compacted";
        var writers = Cluster.Retired.Concat(Enumerable.Range(0, 3).Select(Cluster.Silo))
            .Where(p => p.Output.Contains(wrote, StringComparison.Ordinal)).Select(p => p.Name).ToList();
        Assert.True(writers.Count > 0, $"no silo logged writing the final files\n{Cluster.Story()}");
        Assert.False(victimProcess.Output.Contains(wrote, StringComparison.Ordinal),
            $"the cut-off coordinator silo{victim} wrote the final files (writers: {string.Join(", ", writers)})\n{victimProcess.Tail(80)}");
    }

    [Fact]
    public async Task A_slow_lossy_network_for_the_whole_sweep_still_completes_and_watch_shows_progress()
    {
        const string sweep = "netns-slow-lossy";
        // 100 ms each way on every silo-silo and silo-Redis connection and 2% of packets dropped, from before the
        // first silo starts to the end of the sweep (so no connection predates the rules).
        DelayRelay? relay = null;
        _cluster = await NamespaceCluster.StartAsync(_dir.Path, beforeProcesses: async network =>
        {
            await network.SetLossAsync(2);
            relay = await network.DelayAsync(TimeSpan.FromMilliseconds(100), NamespaceCluster.SiloPort, NamespaceCluster.RedisPort);
        });

        var clock = Stopwatch.StartNew();
        await SubmitAsync(sweep);
        var (exitCode, watch) = await Cluster.WatchAsync(sweep, TimeSpan.FromMinutes(8));
        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch}\n{Cluster.Story()}");
        // Each silo dials Redis and the two others through the relay: at least 3 x 3 connections.
        Assert.True(relay!.RelayedConnections >= 9, $"only {relay.RelayedConnections} connections went through the delay relay");

        // Plain progress lines ("[12:00:00] sweep: 1/4 finished ... 500/3000 steps"): more than one distinct picture.
        var progress = ProgressLine().Matches(watch).Select(m => m.Value).Distinct().ToList();
        Assert.True(progress.Count >= 3, $"watch showed {progress.Count} distinct progress lines in {clock.Elapsed}:\n{watch}");
        SweepOutputChecks.AssertEveryRowOnce(Path.Combine(_dir.Path, "runs", sweep), Widths.Length, RowsPerTrial, () => Cluster.Story());
    }

    [Fact]
    public async Task Redis_unreachable_for_20_s_loses_and_duplicates_nothing()
    {
        const string sweep = "netns-redis-outage";
        var spec = SweepSpecs.Write(_dir.Path, sweep, Widths, Steps, MeasureEvery);
        _cluster = await NamespaceCluster.StartAsync(_dir.Path);
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", spec, "--cluster", Cluster.ClusterOption, "--out", "runs");
        await TrainingSiloAsync(coordinator: null, TimeSpan.FromMinutes(3));

        var before = await TotalStepsAsync();
        await Cluster.Network.SetConnectedAsync("redis", false);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var during = await TotalStepsAsync();
        await Task.Delay(TimeSpan.FromSeconds(10));
        await Cluster.Network.SetConnectedAsync("redis", true);
        // Training does not need Redis: steps went on while it was away.
        Assert.True(during > before, $"no silo trained while Redis was unreachable ({before} -> {during} steps)\n{Cluster.Story()}");

        // Redis kept its data through the outage, so the sweep must finish on its own: no resubmit (the documented
        // recovery for a Redis that lost its data, tested in RecoveryTests) may stand in for that here.
        var (exitCode, watch) = await Cluster.WatchAsync(sweep, TimeSpan.FromMinutes(6));
        Assert.True(exitCode == 0, $"watch exited {exitCode}: the sweep did not finish on its own after Redis came back\n{watch}\n{Cluster.Story()}");
        SweepOutputChecks.AssertEveryRowOnce(Path.Combine(_dir.Path, "runs", sweep), Widths.Length, RowsPerTrial, () => Cluster.Story());
    }

    async Task SubmitAsync(string sweep) =>
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(2), "submit", SweepSpecs.Write(_dir.Path, sweep, Widths, Steps, MeasureEvery),
            "--cluster", Cluster.ClusterOption, "--out", "runs");

    async Task<double> TotalStepsAsync()
    {
        double total = 0;
        for (var i = 0; i < 3; i++) total += await Cluster.StepsAsync(i) ?? 0;
        return total;
    }

    /// <summary>
    /// A silo well into a trial (its step counter moved at two scrapes and is below two thirds of the trial),
    /// coordinating the sweep or not as asked (null: either).
    /// </summary>
    async Task<int> TrainingSiloAsync(bool? coordinator, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var last = new double[3];
        var moves = new int[3];
        while (clock.Elapsed < timeout)
        {
            for (var i = 0; i < 3; i++)
            {
                var steps = await Cluster.StepsAsync(i) ?? 0;
                if (steps > last[i]) moves[i]++;
                last[i] = steps;
                if (moves[i] >= 2 && steps > MeasureEvery && steps < Steps * 2 / 3
                    && (coordinator is null || await Cluster.IsCoordinatingAsync(i) == coordinator)) return i;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no silo was found early in a trial (coordinator: {coordinator}).\n{Cluster.Tails()}");
        return -1;
    }

    async Task<int> CoordinatorSiloAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            for (var i = 0; i < 3; i++)
                if (await Cluster.IsCoordinatingAsync(i) && await Cluster.StepsAsync(i) is not null) return i;
            await Task.Delay(250);
        }

        Assert.Fail($"no silo exported the coordinator's gauge.\n{Cluster.Tails()}");
        return -1;
    }

    /// <summary>Waits until Redis' membership table lists the silo's address as dead (Orleans' SiloStatus.Dead).</summary>
    async Task<bool> WaitForDeadAsync(int silo, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var address = Cluster.SiloAddress(silo);
        while (clock.Elapsed < timeout)
        {
            var table = await MembershipAsync();
            // One JSON entry per line: {"SiloAddress":{"SiloAddress":"198.18.x.y:11111@gen"},"Status":6,...}.
            if (table.Split('\n').Any(l => l.Contains($"\"SiloAddress\":\"{address}:{NamespaceCluster.SiloPort}@", StringComparison.Ordinal) && DeadStatus().IsMatch(l)))
                return true;
            await Task.Delay(500);
        }

        return false;
    }

    /// <summary>Every value of every hash in Redis (the membership table is one hash of JSON entries), via redis-cli.</summary>
    async Task<string> MembershipAsync()
    {
        var cli = RequiredTool.Find("redis-cli", "redis-tools");
        var host = Cluster.Network.Address(2);
        var keys = await RunAsync(cli, "-h", host, "-p", NamespaceCluster.RedisPort.ToString(CultureInfo.InvariantCulture), "--raw", "KEYS", "*");
        var text = new System.Text.StringBuilder();
        foreach (var key in keys.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var type = (await RunAsync(cli, "-h", host, "-p", "6379", "--raw", "TYPE", key)).Trim();
            if (type != "hash" || !key.Contains("member", StringComparison.OrdinalIgnoreCase)) continue;
            text.AppendLine($"{key}:").AppendLine(await RunAsync(cli, "-h", host, "-p", "6379", "--raw", "HGETALL", key));
        }

        return text.ToString();
    }

    static async Task<string> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return output;
    }

    long MaxAttempt(string sweep)
    {
        using var db = new DuckDB.NET.Data.DuckDBConnection("Data Source=:memory:");
        db.Open();
        return SweepOutputChecks.Scalar(db, $"SELECT max(attempt) FROM read_parquet('{DatasetFiles.Glob(Path.Combine(_dir.Path, "runs", sweep), DatasetLayout.Trials)}')");
    }

    [GeneratedRegex(@"Sweep (?<sweep>\S+): coordinator generation (?<g>\d+) read")]
    private static partial Regex GenerationLine();

    // Orleans' SiloStatus.Dead is 6 (Active 3, ShuttingDown 4, Stopping 5); written as a number or a name.
    [GeneratedRegex(@"""Status""\s*:\s*(""Dead""|6)\b")]
    private static partial Regex DeadStatus();

    [GeneratedRegex(@"\d+/\d+ finished .*?\d+/\d+ steps")]
    private static partial Regex ProgressLine();
}
