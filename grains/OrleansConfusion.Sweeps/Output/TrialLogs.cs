using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The log lines a coordinator writes about its trials, from what it decides and hears: an outcome other than a plain
/// completion (a divergence, a failure with its exception text, a cancel, a resume from a checkpoint), a trial taken back
/// by the watchdog, an outcome re-driven because rows were missing. Pure; the caller appends them to the output.
/// </summary>
public static class TrialLogs
{
    public static IEnumerable<TrialLogRow> ForOutcome(TrialOutcome o, DateTime at)
    {
        if (o.ResumedFromStep is { } step)
            yield return Row(o.TrialId, o.Attempt, o.Silo, "info", $"resumed from its checkpoint at step {step}", at);
        switch (o.State)
        {
            case TrialState.Diverged:
                yield return Row(o.TrialId, o.Attempt, o.Silo, "warning", $"diverged after {o.TrainedSteps} steps: {o.Error}", at);
                break;
            case TrialState.Failed:
                yield return Row(o.TrialId, o.Attempt, o.Silo, "error", $"failed after {o.TrainedSteps} steps: {o.Error}", at);
                break;
            case TrialState.Cancelled:
                yield return Row(o.TrialId, o.Attempt, o.Silo, "info", $"cancelled: {o.Error ?? "cancelled"}", at);
                break;
        }
    }

    public static TrialLogRow Lost(string trialId, int attempt, LostTrial lost, DateTime at) =>
        Row(trialId, attempt, lost.Silo, "warning", $"{lost.Why}; re-driven from its newest checkpoint", at);

    public static TrialLogRow RowsMissing(TrialOutcome o, long held, DateTime at) =>
        Row(o.TrialId, o.Attempt, o.Silo, "warning",
            $"reported {o.Status} with a measurement at step {o.LastMeasuredStep}, but only rows through step {held} are held; re-driven from its newest checkpoint whose rows are held", at);

    public static TrialLogRow Row(string trialId, int attempt, string? silo, string level, string message, DateTime at) =>
        new() { TrialId = trialId, Attempt = attempt, Silo = silo, Level = level, Message = message, At = at };
}
