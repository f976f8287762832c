using Microsoft.Extensions.Options;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;
using static TorchSharp.torch;

namespace OrleansConfusion.Grains;

/// <summary>The real trainer: the engine's <see cref="TrialRunner"/> on data from the shared <see cref="DatasetCache"/>.</summary>
public sealed class TorchTrialTrainer(DatasetCache datasets, IOptions<TorchRuntimeOptions> torchOptions) : ITrialTrainer
{
    static int _threadsSet;

    public TrialResult Train(TrialSpec spec, TrialTrainingContext context)
    {
        var config = TrialConfigMapper.ToConfig(spec);
        ApplyThreads(torchOptions.Value.Threads);
        using var lease = datasets.Acquire(config.Dataset);
        return TrialRunner.Run(config, lease.Data, ToRunContext(context));
    }

    /// <summary>The engine's <see cref="FusedTrialRunner"/>: one batched model for the group's seeds, rows and results per seed.</summary>
    public IReadOnlyList<TrialResult> TrainFused(IReadOnlyList<TrialSpec> seeds, IReadOnlyList<TrialTrainingContext> contexts)
    {
        var configs = seeds.Select(TrialConfigMapper.ToConfig).ToList();
        ApplyThreads(torchOptions.Value.Threads);
        using var lease = datasets.Acquire(configs[0].Dataset);
        return FusedTrialRunner.Run(configs, lease.Data, [.. contexts.Select(ToRunContext)]);
    }

    static TrialRunContext ToRunContext(TrialTrainingContext context) => new()
    {
        OnMeasurement = context.OnMeasurement,
        OnProgress = context.OnProgress,
        CancellationToken = context.CancellationToken,
        CheckpointPath = context.CheckpointPath,
        DeliveredThroughStep = context.DeliveredThroughStep,
        Device = context.Device == "cuda" ? CUDA : CPU,
    };

    /// <summary>libtorch's thread count is process-wide: set it once, before the first trial.</summary>
    static void ApplyThreads(int threads)
    {
        if (threads > 0 && Interlocked.Exchange(ref _threadsSet, 1) == 0) set_num_threads(threads);
    }
}
