using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Trains one trial. The grain calls it on a dedicated slot thread (never the grain scheduler or the
/// thread pool), so an implementation blocks for the whole run. It reports through the context's
/// callbacks, honours its cancellation token (returning a Cancelled result) and throws only for bugs or
/// bad data. Replace it through DI (tests register fakes in ConfigureSilo).
/// </summary>
public interface ITrialTrainer
{
    TrialResult Train(TrialSpec spec, TrialTrainingContext context);

    /// <summary>
    /// Trains the seeds of one configuration (a fuse group, see <see cref="SweepPlanner.FuseGroups"/>) in one slot, each
    /// through its own context; results in the order of <paramref name="seeds"/>. This default trains them one after
    /// another, which is what a trainer without a batched model (a test's fake, the bench's no-op) can do.
    /// </summary>
    IReadOnlyList<TrialResult> TrainFused(IReadOnlyList<TrialSpec> seeds, IReadOnlyList<TrialTrainingContext> contexts) =>
        [.. seeds.Select((seed, i) => Train(seed, contexts[i]))];
}
