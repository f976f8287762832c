using System.Threading.Channels;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One trial of a <see cref="TrialGrain"/>: the grain trains one, or a fuse group's seeds, and keeps for each what the
/// coordinator must see per trial: its dispatch token, its measurement channel and unsent rows, how far its rows are
/// delivered, and its outcome. Grain-side only (the training thread gets <see cref="Signals"/> and the channel's
/// writer, never the lane).
/// </summary>
internal sealed class TrialLane(TrialSpec spec)
{
    public TrialSpec Spec { get; } = spec;

    /// <summary>The dispatch token the coordinator gave; every report carries it.</summary>
    public int Attempt { get; set; }

    public Channel<MeasurementRecord>? Measurements { get; private set; }

    public WorkerSignals Signals { get; private set; } = new(-1);

    public List<MeasurementRow> Unsent { get; } = [];

    public TrialOutcome? Outcome { get; set; }

    public bool OutcomeDelivered { get; set; }

    public long ReportedSteps { get; set; }

    public DateTimeOffset? TrainingStartedAt { get; private set; }

    /// <summary>A new training run of this trial, resuming at most from <paramref name="deliveredThroughStep"/>.</summary>
    public void Begin(long deliveredThroughStep)
    {
        Measurements = Channel.CreateUnbounded<MeasurementRecord>(new UnboundedChannelOptions { SingleReader = true });
        Signals = new WorkerSignals(deliveredThroughStep);
        TrainingStartedAt = DateTimeOffset.UtcNow;
        Outcome = null;
        OutcomeDelivered = false;
        ReportedSteps = 0;
    }

    public TrialStatus Status(string silo, string device)
    {
        var progress = Signals.Progress;
        var state = Outcome?.State ?? (Signals.Training ? TrialState.Running : TrialState.Queued);
        return new TrialStatus
        {
            TrialId = Spec.TrialId,
            State = state,
            Step = progress?.Step ?? 0,
            TotalSteps = progress?.TotalSteps ?? 0,
            Epoch = progress?.Epoch ?? 0,
            LastLoss = progress?.LastLoss ?? double.NaN,
            StepsPerSecond = progress?.StepsPerSecond ?? 0,
            Silo = silo,
            Device = device,
            Error = Outcome?.Error,
            Attempt = Attempt,
            UpdatedAt = DateTimeOffset.UtcNow,
            Label = SweepPlanner.Label(Spec),
            TrainingStartedAt = Outcome?.TrainingStartedAt ?? TrainingStartedAt,
        };
    }

    /// <summary>The outcome of this run: from the trainer's result, or the error that ended it.</summary>
    public TrialOutcome ToOutcome(TrialResult? r, Exception? error, double wallSeconds, string silo, string device) => new()
    {
        TrialId = Spec.TrialId,
        State = error is not null ? TrialState.Failed : r!.Status switch
        {
            TrialOutcomeStatus.Completed => TrialState.Completed,
            TrialOutcomeStatus.Diverged => TrialState.Diverged,
            TrialOutcomeStatus.Cancelled => TrialState.Cancelled,
            _ => TrialState.Failed,
        },
        Steps = r?.Steps ?? Signals.Progress?.Step ?? 0,
        Epochs = r?.Epochs ?? 0,
        FinalLoss = r?.FinalLoss ?? double.NaN,
        BestLoss = r?.BestLoss ?? double.NaN,
        FinalAccuracy = r?.FinalAccuracy ?? double.NaN,
        BestAccuracy = r?.BestAccuracy ?? double.NaN,
        FinalTestAccuracy = r?.FinalTestAccuracy ?? double.NaN,
        StepsToTargetLoss = r?.StepsToTargetLoss,
        WallSeconds = r is { WallSeconds: > 0 } ? r.WallSeconds : wallSeconds,
        Silo = silo,
        Device = r?.Device ?? device,
        Error = error is not null ? $"{error.GetType().Name}: {error.Message}" : r!.Error,
        ParameterCount = r?.ParameterCount ?? 0,
        Attempt = Attempt,
        ResumedFromStep = r?.ResumedFromStep,
        LastMeasuredStep = Signals.LastMeasuredStep,
        TrainingStartedAt = TrainingStartedAt,
        FinishedAt = DateTimeOffset.UtcNow,
    };
}
