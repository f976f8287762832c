using OrleansConfusion.Engine.Configuration;
using System.Threading.Channels;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One trial of a <see cref="TrialGrain"/>: the grain trains one, or a fuse group's seeds, and keeps for each what the
/// coordinator must see per trial: its dispatch token, its measurements on their way, how far its rows are delivered,
/// and its outcome. Grain-side only: the training thread gets the context (<see cref="Context"/>), never the lane.
/// Both buffers are bounded: the channel holds <see cref="ChannelCapacity"/> measurements and the unsent rows at most
/// <see cref="MaxUnsent"/>. While the coordinator cannot be reached the unsent rows fill, the channel fills behind them,
/// and the training thread waits at its next measurement, so a long outage pauses training instead of growing memory.
/// </summary>
internal sealed class TrialLane(TrialSpec spec)
{
    internal const int ChannelCapacity = 64;
    internal const int MaxUnsent = 4096;

    Channel<MeasurementRecord>? _measurements;

    public TrialSpec Spec { get; } = spec;

    /// <summary>The dispatch token the coordinator gave; every report carries it.</summary>
    public int Attempt { get; set; }

    public WorkerSignals Signals { get; private set; } = new(-1);

    public List<MeasurementRow> Unsent { get; } = [];

    /// <summary>Warnings for the trial's log not sent yet (retries of its reports); the oldest go past 64.</summary>
    public List<TrialLogRow> Logs { get; } = [];

    public void Log(string level, string message, string silo)
    {
        if (Logs.Count == 64) Logs.RemoveAt(0);
        Logs.Add(new TrialLogRow { TrialId = Spec.TrialId, Attempt = Attempt, Silo = silo, Level = level, Message = message, At = DateTime.UtcNow });
    }

    public TrialOutcome? Outcome { get; set; }

    public bool OutcomeDelivered { get; set; }

    public long ReportedSteps { get; set; }

    public DateTimeOffset? TrainingStartedAt { get; private set; }

    /// <summary>Measurements still in the channel (the unsent rows were full when the grain last took them).</summary>
    public bool HasBuffered => _measurements is { Reader: { CanCount: true, Count: > 0 } };

    /// <summary>Whether a training run of this lane began (in this activation).</summary>
    public bool HasRun => _measurements is not null;

    /// <summary>A new training run of this trial, resuming at most from <paramref name="deliveredThroughStep"/>.</summary>
    public void Begin(long deliveredThroughStep)
    {
        _measurements = Channel.CreateBounded<MeasurementRecord>(new BoundedChannelOptions(ChannelCapacity)
        {
            SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait,
        });
        Signals = new WorkerSignals(deliveredThroughStep);
        TrainingStartedAt = DateTimeOffset.UtcNow;
        Outcome = null;
        OutcomeDelivered = false;
        ReportedSteps = 0;
    }

    /// <summary>What the training thread gets for this lane: callbacks into the channel and the signals, nothing else.</summary>
    public TrialTrainingContext Context(string? checkpointPath, string device, CancellationToken cancellationToken)
    {
        var signals = Signals;
        var writer = _measurements!.Writer;
        return new TrialTrainingContext
        {
            OnMeasurement = r =>
            {
                signals.Measured(r.Step);
                // Full: wait here, on the training thread, until the grain drains (or the run is cancelled).
                if (!writer.TryWrite(r)) writer.WriteAsync(r, cancellationToken).AsTask().GetAwaiter().GetResult();
            },
            OnProgress = p => signals.Progress = p,
            CancellationToken = cancellationToken,
            CheckpointPath = checkpointPath,
            DeliveredThroughStep = () => signals.DeliveredThroughStep,
            Device = device,
            Attempt = Attempt,
        };
    }

    /// <summary>The run ended: nothing more will be measured.</summary>
    public void EndRun() => _measurements?.Writer.TryComplete();

    /// <summary>Moves what the worker measured into the unsent rows, in step order, up to <see cref="MaxUnsent"/>; returns what it moved.</summary>
    public List<MeasurementRow> TakeMeasurements(Func<MeasurementRecord, MeasurementRow> toRow)
    {
        var taken = new List<MeasurementRow>();
        while (_measurements is not null && Unsent.Count < MaxUnsent && _measurements.Reader.TryRead(out var record))
        {
            var row = toRow(record);
            Unsent.Add(row);
            taken.Add(row);
        }
        return taken;
    }

    /// <summary>The coordinator holds the unsent rows now (it appends before it answers).</summary>
    public void Sent()
    {
        if (Unsent.Count == 0) return;
        Signals.Delivered(Unsent[^1].Step);
        Unsent.Clear();
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
        TrainedSteps = r?.Steps ?? Signals.Progress?.Step ?? 0,
        TrainedEpochs = r?.Epochs ?? 0,
        FinalLoss = r is null ? null : TrialColumns.Finite(r.FinalLoss),
        BestLoss = r is null ? null : TrialColumns.Finite(r.BestLoss),
        FinalAccuracy = r is null ? null : TrialColumns.Finite(r.FinalAccuracy),
        BestAccuracy = r is null ? null : TrialColumns.Finite(r.BestAccuracy),
        FinalTestAccuracy = r is null ? null : TrialColumns.Finite(r.FinalTestAccuracy),
        StepsToTargetLoss = r?.StepsToTargetLoss,
        WallSeconds = r is { WallSeconds: > 0 } ? r.WallSeconds : wallSeconds,
        Silo = silo,
        Device = r?.Device ?? device,
        Error = error is not null ? $"{error.GetType().Name}: {error.Message}" : r!.Error,
        ParameterCount = r?.ParameterCount ?? 0,
        Attempt = Attempt,
        ResumedFromStep = r?.ResumedFromStep,
        LastMeasuredStep = Signals.LastMeasuredStep,
        TrainingStartedAt = TrainingStartedAt?.UtcDateTime,
        FinishedAt = DateTime.UtcNow,
    };
}
