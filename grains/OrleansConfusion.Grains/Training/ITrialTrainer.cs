using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Trains one trial. The grain calls it from a thread-pool thread (never the grain scheduler), so an
/// implementation may block for the whole run. It reports through the context's callbacks, honours
/// its cancellation token (returning a Cancelled result) and throws only for bugs or bad data.
/// Replace it through DI (tests register fakes in ConfigureSilo).
/// </summary>
public interface ITrialTrainer
{
    Task<TrialResult> TrainAsync(TrialSpec spec, TrialTrainingContext context);
}
