using OrleansConfusion.Engine.Training;

namespace OrleansConfusion.Grains;

/// <summary>What a trial grain lends its trainer for one attempt.</summary>
public sealed class TrialTrainingContext
{
    /// <summary>Called on the training thread; cheap (writes to a channel).</summary>
    public Action<MeasurementRecord> OnMeasurement { get; init; } = _ => { };

    /// <summary>Called on the training thread a few times per second.</summary>
    public Action<TrialProgress> OnProgress { get; init; } = _ => { };

    public CancellationToken CancellationToken { get; init; }

    /// <summary>Where to checkpoint and resume from, or null for no checkpoints.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>
    /// The last step the coordinator holds every measurement through (-1: none), as it grows while the
    /// trial trains; see <see cref="TrialRunContext.DeliveredThroughStep"/>.
    /// </summary>
    public Func<long> DeliveredThroughStep { get; init; } = () => -1;

    /// <summary>"cpu" or "cuda", as this silo decided (<see cref="SiloTrainingCapacity.Device"/>).</summary>
    public string Device { get; init; } = "cpu";

    public int Attempt { get; init; }
}
