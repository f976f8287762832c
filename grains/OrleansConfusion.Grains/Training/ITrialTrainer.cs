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
}
