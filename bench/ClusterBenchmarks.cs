using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
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
    public static async Task RunAsync(Action<string, double> report, bool quick, string repoRoot)
    {
        int trials = quick ? 200 : 1000;
        var (wall, _) = await RunSweepAsync(silos: 3, slots: 8, new NoOpTrainer(), NoOpSpec(trials), TimeSpan.FromMilliseconds(50));
        // A no-op trial's ideal time is zero, so all of the wall time is overhead.
        report("dispatch_trials", trials);
        report("dispatch_wall_s", wall.TotalSeconds);
        report("dispatch_overhead_ms_per_trial", wall.TotalMilliseconds / trials);

        var load = new SweepSpecLoader(new GrainsSpecPlanner()).Load(Path.Combine(repoRoot, "examples", "quick.yaml"));
        if (!load.IsValid) throw new InvalidOperationException("examples/quick.yaml is invalid: " + string.Join("; ", load.Errors));
        var timed = new TimedTrainer();
        var (sweepWall, output) = await RunSweepAsync(silos: 1, slots: 1, timed, load.Spec! with { Name = "bench-quick" }, TimeSpan.FromSeconds(1));
        // One slot: trials run one after another, so the ideal wall time is the sum of the trainer's times.
        double inTrainer = timed.TotalSeconds;
        report("quick_sweep_wall_s", sweepWall.TotalSeconds);
        report("quick_trainer_s", inTrainer);
        report("orleans_fraction_of_sweep_time", (sweepWall.TotalSeconds - inTrainer) / sweepWall.TotalSeconds);
        Directory.Delete(output, recursive: true);
    }

    static SweepSpec NoOpSpec(int trials) => new()
    {
        Name = "bench-dispatch",
        Grid = new GridSpec { Widths = Enumerable.Range(1, trials).ToArray(), Depths = [1] },
        Measurement = new MeasurementSpec { PaperPairs = 0, PerSampleM = 0 },
    };

    static async Task<(TimeSpan Wall, string Output)> RunSweepAsync(int silos, int slots, ITrialTrainer trainer, SweepSpec spec, TimeSpan dispatchInterval)
    {
        string output = Path.Combine(Path.GetTempPath(), "orleansconfusion-bench", Guid.NewGuid().ToString("N"));
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddOrleansConfusion(o => { o.CpuSlots = slots; o.GpuSlots = 0; o.DispatchInterval = dispatchInterval; o.ReportInterval = dispatchInterval; });
            silo.AddMemoryGrainStorage(StorageNames.Sweeps);
            silo.UseInMemoryReminderService();
            silo.Services.AddSingleton(trainer);
        });
        builder.ConfigureClient(client => client.AddOrleansConfusionClient());
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        var coordinator = cluster.Client.GetGrain<ISweepCoordinatorGrain>(spec.Name);
        var clock = Stopwatch.StartNew();
        await coordinator.SubmitAsync(spec with { OutputDirectory = output });
        while ((await coordinator.GetStatusAsync()).State == SweepState.Running)
            await Task.Delay(20);
        return (clock.Elapsed, output);
    }

    sealed class NoOpTrainer : ITrialTrainer
    {
        public Task<TrialResult> TrainAsync(TrialSpec spec, TrialTrainingContext context) =>
            Task.FromResult(new TrialResult { Status = TrialOutcomeStatus.Completed, Device = context.Device });
    }

    /// <summary>The real trainer, timed from the moment the grain hands it the trial to its result.</summary>
    sealed class TimedTrainer : ITrialTrainer
    {
        private readonly DatasetCache _datasets = new();
        private long _ticks;
        public double TotalSeconds => TimeSpan.FromTicks(Interlocked.Read(ref _ticks)).TotalSeconds;

        public async Task<TrialResult> TrainAsync(TrialSpec spec, TrialTrainingContext context)
        {
            var clock = Stopwatch.StartNew();
            var result = await new TorchTrialTrainer(_datasets, Microsoft.Extensions.Options.Options.Create(new TorchRuntimeOptions())).TrainAsync(spec, context);
            Interlocked.Add(ref _ticks, clock.Elapsed.Ticks);
            return result;
        }
    }
}
