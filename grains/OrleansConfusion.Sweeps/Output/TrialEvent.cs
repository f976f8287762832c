using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// One line of the trial record: a start of training (no outcome) or an outcome, with the attempt it counts and when
/// that training run began (so a run is never counted twice).
/// </summary>
public sealed record TrialEvent(string TrialId, int Attempt, TrialOutcome? Outcome, DateTimeOffset? StartedAt);
