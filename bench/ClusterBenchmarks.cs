using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Cli.Spec;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Bench;

/// <summary>
/// What Orleans costs a sweep: the dispatch overhead per trial when trials do nothing, and the share
/// of a real sweep's wall time (examples/quick.yaml) not spent inside the trainer.
/// </summary>
internal static class ClusterBenchmarks
{
    /// <summary>
    /// A sweep's end comes from its coordinator (FinishedAt), so polling need not be fast; polling every
    /// millisecond took CPU from the trainer's two threads on a 2-core machine and made its times swing.
    /// </summary>
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The dispatch overhead here; quick.yaml's sweeps in a child process (<paramref name="runQuickSweeps"/>),
    /// so that they start as `confusion run` does: a fresh process, not one whose JIT and threads are still
    /// busy with the benchmarks before (traced: the dispatch run's background re-JIT overlapped the first sweep).
    /// </summary>
    public static async Task RunAsync(Action<string, double> report, bool quick, Func<Task> runQuickSweeps)
    {
        await runQuickSweeps();
        int trials = quick ? 200 : 1000;
        var walls = await RunOnTestClusterAsync(silos: 3, slots: 8, new NoOpTrainer(), NoOpSpec(trials));
        var dispatchWall = walls[0].Done - walls[0].Submitted;
        // A no-op trial's ideal time is zero, so all of the wall time is overhead.
        report("dispatch_trials", trials);
        report("dispatch_wall_s", dispatchWall.TotalSeconds);
        report("dispatch_overhead_ms_per_trial", dispatchWall.TotalMilliseconds / trials);
        report("final_files_ms_quick_size", await FinalFilesMillisecondsAsync(trials: 6, rowsPerTrial: 4));
    }

    /// <summary>examples/quick.yaml on the silo `confusion run` embeds; run in a process of its own (bench --only quick-sweeps).</summary>
    public static async Task RunQuickSweepsAsync(Action<string, double> report, string repoRoot)
    {
        var load = new SweepSpecLoader(new CoordinatorSpecPlanner()).Load(Path.Combine(repoRoot, "examples", "quick.yaml"));
        if (!load.IsValid) throw new InvalidOperationException("examples/quick.yaml is invalid: " + string.Join("; ", load.Errors));
        // On the silo `confusion run` embeds, with its defaults (one CPU slot): trials run one after another,
        // so the ideal wall time is the sum of the trainer's times. The same spec runs twice, under two
        // names: the first sweep a fresh silo sees pays one-time costs (JIT, first grain activations), the
        // second does not. A third run trains 5x the epochs, to show how the fixed costs dilute.
        var timed = new TimedTrainer();
        var quickSpec = load.Spec!;
        var longer = quickSpec with { Name = "bench-quick-long", Training = quickSpec.Training with { Epochs = quickSpec.Training.Epochs * 5 } };
        string[] names = ["bench-quick-cold", "bench-quick-warm", "bench-quick-long"];
        string[] suffixes = ["", "_warm", "_long"];
        var embedded = new EmbeddedClusterFactory { ConfigureSilo = silo => silo.Services.AddSingleton<ITrialTrainer>(timed) };
        var starting = Clock.Now;
        await using (var session = await embedded.StartAsync(CancellationToken.None))
        {
            // Not sweep time, but shown: the silo's start includes its warm-up (SiloWarmup).
            report("embedded_silo_start_ms", (Clock.Now - starting).TotalMilliseconds);
            var sweepWalls = await InTempFolderAsync(output => RunSweepsAsync(session.Client,
                [quickSpec with { Name = names[0], OutputDirectory = output }, quickSpec with { Name = names[1], OutputDirectory = output }, longer with { OutputDirectory = output }]));
            for (int i = 0; i < names.Length; i++)
            {
                string suffix = suffixes[i];
                var (submitted, done) = sweepWalls[i];
                double wall = (done - submitted).TotalSeconds;
                var spans = timed.Spans(names[i]);
                double inTrainer = spans.Sum(s => (s.End - s.Begin).TotalSeconds);
                report($"quick_sweep_wall_s{suffix}", wall);
                report($"quick_trainer_s{suffix}", inTrainer);
                report($"orleans_fraction_of_sweep_time{suffix}", (wall - inTrainer) / wall);
                // Where the rest goes: before the first trial trains, between trials (one slot, so the device
                // idles), and after the last one (its outcome, the final files).
                report($"quick_start_ms{suffix}", (spans[0].Begin - submitted).TotalMilliseconds);
                report($"quick_handoff_ms_per_trial{suffix}",
                    spans.Zip(spans.Skip(1), (a, b) => (b.Begin - a.End).TotalMilliseconds).Average());
                report($"quick_finish_ms{suffix}", (done - spans[^1].End).TotalMilliseconds);
            }
        }
    }

    /// <summary>
    /// SweepRecorder.FinishOutputAsync (the last parts sealed, the trials compacted into one part) for a sweep of
    /// quick.yaml's size, in a second folder: the first pays first-use costs, as a silo's warm-up does.
    /// </summary>
    static async Task<double> FinalFilesMillisecondsAsync(int trials, int rowsPerTrial)
    {
        double elapsed = 0;
        for (int round = 0; round < 2; round++)
            elapsed = await InTempFolderAsync(async directory =>
            {
                var (recorder, _) = await SweepRecorder.OpenAsync(OutputWarmup.SamplePlan(trials), directory, rerunUnfinished: true,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
                await using var _ = recorder;
                await OutputWarmup.RecordSampleTrialsAsync(recorder, rowsPerTrial);
                var clock = Stopwatch.StartNew();
                await recorder.FinishOutputAsync();
                return clock.Elapsed.TotalMilliseconds;
            });
        return elapsed;
    }

    /// <summary>One trial per width, each a valid mlp the no-op trainer never builds.</summary>
    /// <summary>
    /// <paramref name="trials"/> no-op trials as a real large sweep is written: a product of short axes (widths ×
    /// depths × seeds, up to 100 seeds and 10 depths), so the spec stays a few hundred bytes at any size. A single
    /// axis of N values would make the spec, and with it the coordinator's state, grow with N.
    /// </summary>
    internal static SweepSpec NoOpSpec(int trials, string name = "bench-dispatch")
    {
        int seeds = Math.Min(trials, 100);
        int depths = Math.Min(trials / seeds, 10);
        int widths = trials / seeds / depths;
        bool exact = widths * depths * seeds == trials;
        return new()
        {
            Name = name,
            Grid = exact
                ? new GridSpec { Widths = Enumerable.Range(1, widths).ToArray(), Depths = Enumerable.Range(1, depths).ToArray() }
                : new GridSpec { Widths = Enumerable.Range(1, trials).ToArray(), Depths = [1] },
            Seeds = exact ? Enumerable.Range(0, seeds).Select(s => (long)s).ToArray() : [0],
            Measurement = new MeasurementSpec { PaperPairs = 0, PerSampleM = 0 },
            // Per-trial cost is what this measures: 100 seeds fused would make it a sweep of 1 % as many dispatches.
            FuseSeeds = false,
        };
    }

    /// <summary>Three loopback silos of a test cluster, for the dispatch benchmark.</summary>
    static Task<List<(DateTime Submitted, DateTime Done)>> RunOnTestClusterAsync(int silos, int slots, ITrialTrainer trainer, SweepSpec spec) =>
        OnTestClusterAsync(silos, slots, trainer, client => InTempFolderAsync(output => RunSweepsAsync(client, [spec with { OutputDirectory = output }])));

    /// <summary>
    /// Runs <paramref name="work"/> against a test cluster of in-process loopback silos with <paramref name="slots"/>
    /// CPU slots each, all sharing <paramref name="trainer"/>; <paramref name="configureSilo"/> runs after the
    /// bench's own configuration, so it can decorate what that registered (the scale benchmark's storage meter).
    /// </summary>
    internal static async Task<T> OnTestClusterAsync<T>(int silos, int slots, ITrialTrainer trainer, Func<IClusterClient, Task<T>> work,
        Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            // Default timings (1 s ticks): trials are dispatched as outcomes arrive, not per tick, and a shorter
            // tick would only add state saves of the whole plan (measured: 3-6 ms per trial at 50 ms ticks).
            silo.AddOrleansConfusion(o => { o.CpuSlots = slots; o.GpuSlots = 0; });
            silo.AddMemoryGrainStorage(StorageNames.Sweeps);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(trainer);
            // The bench writes to a temp folder of its own choosing, like `confusion run`.
            silo.Services.Configure<ParquetSinkOptions>(o => o.ConfineToBase = false);
            configureSilo?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.AddOrleansConfusionClient());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        return await work(cluster.Client);
    }

    /// <summary>Runs <paramref name="work"/> on a fresh folder under the temp folder, removed afterwards, also on failure.</summary>
    internal static async Task<T> InTempFolderAsync<T>(Func<string, Task<T>> work)
    {
        string folder = Path.Combine(Path.GetTempPath(), "orleansconfusion-bench", Guid.NewGuid().ToString("N"));
        try
        {
            return await work(folder);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Runs the sweeps one after another; returns when each was submitted and when its output was final
    /// (the coordinator's FinishedAt: both Parquet files written). How soon a client then notices is its
    /// own polling interval, not the cluster's work, so it is not counted.
    /// </summary>
    internal static async Task<List<(DateTime Submitted, DateTime Done)>> RunSweepsAsync(IGrainFactory grains, SweepSpec[] specs)
    {
        var walls = new List<(DateTime, DateTime)>();
        foreach (var spec in specs)
        {
            var (submitted, status) = await RunSweepAsync(grains, spec, PollInterval);
            if (status.State != SweepState.Completed || status.FinishedAt is not { } finished)
                throw new InvalidOperationException($"sweep {spec.Name} ended {status.State}");
            walls.Add((submitted, finished.UtcDateTime));
        }
        return walls;
    }

    /// <summary>
    /// Submits <paramref name="spec"/> and asks for its status every <paramref name="pollInterval"/> until it
    /// leaves Running; returns when it was submitted and its last status. <paramref name="onStatus"/> sees each
    /// call's latency and answer (the scale benchmark's status latencies, its disk check), or null for a call
    /// that got none within Orleans' response timeout; with <paramref name="onStatus"/> the polling goes on
    /// after one, without it the timeout is thrown. A periodic timer, not a delay after each answer, so a slow
    /// answer does not make the calls sparser.
    /// </summary>
    internal static async Task<(DateTime Submitted, SweepStatus Status)> RunSweepAsync(IGrainFactory grains, SweepSpec spec, TimeSpan pollInterval,
        Action<TimeSpan, SweepStatus?>? onStatus = null, CancellationToken cancellationToken = default)
    {
        var coordinator = grains.GetGrain<ISweepCoordinatorGrain>(spec.Name);
        var submitted = Clock.Now;
        await coordinator.SubmitAsync(spec);
        using var timer = new PeriodicTimer(pollInterval);
        while (true)
        {
            var call = Stopwatch.StartNew();
            SweepStatus? status = null;
            try
            {
                status = await coordinator.GetStatusAsync().WaitAsync(cancellationToken);
            }
            catch (TimeoutException) when (onStatus is not null) { }
            onStatus?.Invoke(call.Elapsed, status);
            if (status is not null && status.State != SweepState.Running) return (submitted, status);
            await timer.WaitForNextTickAsync(cancellationToken);
        }
    }

    internal sealed class NoOpTrainer : ITrialTrainer
    {
        public TrialResult Train(TrialSpec spec, TrialTrainingContext context) =>
            new() { Status = TrialOutcomeStatus.Completed, Device = context.Device };
    }

    /// <summary>The real trainer, timed from the moment the grain hands it the trial to its result.</summary>
    sealed class TimedTrainer : ITrialTrainer
    {
        private readonly TorchTrialTrainer _real = new(new DatasetCache(), Microsoft.Extensions.Options.Options.Create(new TorchRuntimeOptions()));
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Sweep, DateTime Begin, DateTime End)> _spans = new();

        /// <summary>One sweep's trainer calls, in start order.</summary>
        public List<(DateTime Begin, DateTime End)> Spans(string sweep) =>
            _spans.Where(s => s.Sweep == sweep).OrderBy(s => s.Begin).Select(s => (s.Begin, s.End)).ToList();

        public TrialResult Train(TrialSpec spec, TrialTrainingContext context)
        {
            var begin = Clock.Now;
            var result = _real.Train(spec, context);
            _spans.Enqueue((spec.SweepId, begin, Clock.Now));
            return result;
        }

        /// <summary>A fused group is one span: it holds its slot for the whole group.</summary>
        public IReadOnlyList<TrialResult> TrainFused(IReadOnlyList<TrialSpec> seeds, IReadOnlyList<TrialTrainingContext> contexts)
        {
            var begin = Clock.Now;
            var results = _real.TrainFused(seeds, contexts);
            _spans.Enqueue((seeds[0].SweepId, begin, Clock.Now));
            return results;
        }
    }

    /// <summary>The coordinator's clock (FinishedAt is UTC wall time), shared by the bench and the trainer.</summary>
    internal static class Clock
    {
        public static DateTime Now => DateTime.UtcNow;
    }
}
