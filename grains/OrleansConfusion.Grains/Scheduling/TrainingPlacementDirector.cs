using Orleans.Runtime.Placement;

namespace OrleansConfusion.Grains;

/// <summary>
/// Places training grains only on silos that advertise slots. The coordinator, which knows how many of
/// its trials run where, passes the silo with the most free slots as the standard placement hint;
/// without a usable hint the silo with the most slots wins (ties broken at random). The built-in
/// metadata filters compare with the calling silo's metadata, so they cannot say "needs slots".
/// </summary>
internal sealed class TrainingPlacementDirector(ClusterCapacity capacity) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        var candidates = compatible.Select(s => (Silo: s, Slots: capacity.SlotsOf(s))).Where(c => c.Slots > 0).ToList();
        if (candidates.Count == 0)
            throw new OrleansException(
                $"no active silo advertises training slots (of {compatible.Length} compatible); configure {TrialSchedulingOptions.SectionName}:CpuSlots or GpuSlots > 0 on a silo");

        var hint = IPlacementDirector.GetPlacementHint(target.RequestContextData, compatible);
        if (hint is not null && candidates.Any(c => c.Silo.Equals(hint))) return Task.FromResult(hint);

        int most = candidates.Max(c => c.Slots);
        var best = candidates.Where(c => c.Slots == most).ToList();
        return Task.FromResult(best[Random.Shared.Next(best.Count)].Silo);
    }
}
