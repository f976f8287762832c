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

    /// <summary>
    /// The engine's <see cref="FusedTrialRunner"/>: one batched model for the group's seeds, rows and results per seed.
    /// On CPU, past <see cref="TorchRuntimeOptions.CpuFusionMaxWidth"/>, the seeds train one after another instead,
    /// where batching was measured slower; the rows are the same either way (the fused runner matches the unfused one).
    /// </summary>
    public IReadOnlyList<TrialResult> TrainFused(IReadOnlyList<TrialSpec> seeds, IReadOnlyList<TrialTrainingContext> contexts)
    {
        var configs = seeds.Select(TrialConfigMapper.ToConfig).ToList();
        var options = torchOptions.Value;
        ApplyThreads(options.Threads);
        using var lease = datasets.Acquire(configs[0].Dataset);
        if (BatchesOn(contexts[0].Device, configs[0].Model.Width, options))
            return FusedTrialRunner.Run(configs, lease.Data, [.. contexts.Select(ToRunContext)]);
        return [.. configs.Select((config, i) => TrialRunner.Run(config, lease.Data, ToRunContext(contexts[i])))];
    }

    /// <summary>Whether a fuse group of this width trains as one batched model on <paramref name="device"/> ("cpu" or "cuda").</summary>
    public static bool BatchesOn(string device, int width, TorchRuntimeOptions options) =>
        device == "cuda" || width <= options.CpuFusionMaxWidth;

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
