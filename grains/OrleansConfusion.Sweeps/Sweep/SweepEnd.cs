namespace OrleansConfusion.Sweeps;

/// <summary>What the sweep needs next to end (see <see cref="Sweep.NextEnd"/>).</summary>
public enum SweepEnd
{
    /// <summary>Trials are queued or running: not yet.</summary>
    NotYet,

    /// <summary>A cancel was asked and trials are still queued: end them as cancelled first.</summary>
    CancelQueued,

    /// <summary>Every trial is finished: write the final output and store the sweep as ended.</summary>
    Finish,
}
