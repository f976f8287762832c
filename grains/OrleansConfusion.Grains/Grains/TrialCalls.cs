using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The coordinator's calls to trial grains: start a dispatch unit (one trial, or a fuse group's seeds on the group's
/// grain, with the placement hint of the silo the sweep chose) and cancel one. The coordinator does not await them, so a
/// slow silo never blocks it; a failed start is handed back to the sweep, which re-queues the trials.
/// </summary>
/// <param name="afterStartFailed">Runs (on the grain scheduler) once a failed start is handed back: the sweep may have decided something.</param>
internal sealed class TrialCalls(IGrainFactory grains, string sweepId, ConfusionMetrics metrics, ILogger logger, Action afterStartFailed)
{
    /// <summary>Sends each unit <see cref="Sweep.Dispatch"/> chose for <paramref name="silos"/>, not awaited.</summary>
    public void Dispatch(Sweep sweep, IReadOnlyList<TrainingSilo> silos, int maxConcurrent, int prefetchPerSilo)
    {
        var slots = silos.Select(s => new SiloSlots(s.Name, s.Slots)).ToList();
        foreach (var unit in sweep.Dispatch(slots, maxConcurrent, prefetchPerSilo, DateTimeOffset.UtcNow).GroupBy(d => d.Unit))
        {
            var sent = unit.ToArray();
            foreach (var _ in sent) metrics.TrialStarted(sweepId);
            _ = StartAsync(sweep, sent, silos.First(s => s.Name == sent[0].Silo).Address);
        }
    }

    public async Task StartAsync(Sweep sweep, Dispatched[] sent, SiloAddress hint)
    {
        var specs = sent.Select(d => d.Spec).ToArray();
        var trial = grains.GetGrain<ITrialGrain>(TrialSpec.FusedGrainKey(specs));
        RequestContext.Set(IPlacementDirector.PlacementHintKey, hint);
        try
        {
            if (sent.Length == 1) await trial.StartAsync(specs[0], sent[0].Token, sweep.Ledger.DeliveredThrough(sent[0].Index));
            else await trial.StartFusedAsync(specs, [.. sent.Select(d => d.Token)], [.. sent.Select(d => sweep.Ledger.DeliveredThrough(d.Index))]);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Sweep {Sweep}: starting trial {Trial} (dispatch {Token}{Fused}) failed; it goes back to the queue",
                sweepId, specs[0].TrialId, sent[0].Token, sent.Length > 1 ? $", fused with {sent.Length - 1} other seeds" : "");
            foreach (var d in sent) sweep.StartFailed(d.Index, d.Token, $"{e.GetType().Name}: {e.Message}");
            afterStartFailed();
        }
        finally
        {
            RequestContext.Remove(IPlacementDirector.PlacementHintKey);
        }
    }

    public async Task CancelAsync(Sweep sweep, DispatchUnit unit)
    {
        string key = TrialSpec.FusedGrainKey([.. unit.Members.Select(sweep.Ledger.Spec)]);
        try { await grains.GetGrain<ITrialGrain>(key).CancelAsync(); }
        catch (Exception e) { logger.LogWarning(e, "Sweep {Sweep}: cancelling trial grain {Grain} failed", sweepId, key); }
    }
}
