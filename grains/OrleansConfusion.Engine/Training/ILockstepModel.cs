using OrleansConfusion.Engine.Confusion;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// What <see cref="EpochLoop"/> trains: S members stepped in lockstep, one trial alone (S = 1, <see cref="TrialRunner"/>)
/// or a fused group (<see cref="FusedTrialRunner"/>). Members are indexed as the loop's <see cref="TrialRunState"/>s.
/// </summary>
internal interface ILockstepModel
{
    /// <summary>
    /// One SGD step of each active member on its own next batch (positions [start, start + batch) of its order), at its
    /// learning rate; returns each member's mini-batch loss before the step. Inactive members are left untouched.
    /// </summary>
    float[] Step(long[][] orders, long start, double[] learningRates, bool[] active);

    /// <summary>Measures the members flagged in <paramref name="measured"/>; a record per member, null for the others.</summary>
    MeasurementRecord?[] Measure(bool[] measured, long step, int epoch, TrialRunState[] members);

    /// <summary>Saves member <paramref name="member"/>'s checkpoint to its context's path.</summary>
    void SaveCheckpoint(int member, TrialCheckpoint checkpoint, TrialRunState state);
}
