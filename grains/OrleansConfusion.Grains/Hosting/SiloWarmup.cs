using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Pays a silo's first-use costs while it starts, not on the first sweep it serves: the output writers
/// (<see cref="OutputWarmup"/>), the planner and grain-state codec (<see cref="StateWarmup"/>) and the
/// first activation of each grain type on this silo (JIT of the activation path, grain storage, placement,
/// the grains' services). The grains are only asked for their status under a key no spec can name, so
/// storage is read, never written. A silo start waits for it (an Orleans startup task), bounded by
/// <see cref="Limit"/>; a failure is only logged.
/// </summary>
internal sealed class SiloWarmup(IServiceProvider services, IGrainFactory grains, ILocalSiloDetails silo, SiloTrainingCapacity capacity, ILogger<SiloWarmup> logger) : IStartupTask
{
    /// <summary>Spec names start with a letter or digit, so no sweep or trial has a key starting with this.</summary>
    internal const string KeyPrefix = "~warm-up/";

    static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Where the throwaway sweep goes (a fresh folder below it per run).</summary>
    internal string Root { get; init; } = Path.Combine(Path.GetTempPath(), "orleansconfusion-warmup");

    public async Task Execute(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(OutputWarmup.RunAsync(Root, logger, cancellationToken), ActivateGrainsAsync(), Task.Run(() => StateWarmup.Run(services), cancellationToken))
                .WaitAsync(Limit, cancellationToken);
            logger.LogDebug("Silo warm-up took {Milliseconds:0} ms", clock.Elapsed.TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(e, "Silo warm-up failed or took over {Limit}; the first sweep pays the first-use costs instead", Limit);
        }
    }

    /// <summary>One coordinator and, where this silo trains, one trial grain, activated here (the placement hint).</summary>
    async Task ActivateGrainsAsync()
    {
        // A key per silo: with one shared key, every silo but the first would call an activation elsewhere.
        string key = KeyPrefix + silo.SiloAddress.ToParsableString();
        RequestContext.Set(IPlacementDirector.PlacementHintKey, silo.SiloAddress);
        try
        {
            await grains.GetGrain<ISweepCoordinatorGrain>(key).GetStatusAsync();
            if (capacity.Slots > 0) await grains.GetGrain<ITrialGrain>(key).GetStatusAsync();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }
}
