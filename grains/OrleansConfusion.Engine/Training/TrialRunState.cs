using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// One trial's counters while it trains, and how a measurement and the end are booked: shared by
/// <see cref="TrialRunner"/> (its one trial) and <see cref="FusedTrialRunner"/> (one per seed), so a seed reports
/// the same whether it trained fused or alone.
/// </summary>
internal sealed class TrialRunState
{
    private readonly TrialConfig _config;
    private readonly Stopwatch _clock;
    private readonly double _wallOffset;
    private readonly long? _resumedFrom;

    /// <param name="clock">Runs for the whole run (a fused group's: a fused seed took the whole group's time).</param>
    public TrialRunState(TrialConfig config, TrialRunContext context, TrialCheckpoint? resumed, Stopwatch clock, long parameterCount)
    {
        _config = config;
        Context = context;
        _clock = clock;
        ParameterCount = parameterCount;
        if (resumed is null) return;
        Step = resumed.Step;
        LastMeasuredStep = resumed.LastMeasuredStep;
        BestLoss = resumed.BestLoss;
        BestAccuracy = resumed.BestAccuracy;
        StepsToTarget = resumed.StepsToTargetLoss;
        _wallOffset = resumed.WallSeconds;
        _resumedFrom = resumed.Step;
    }

    public TrialRunContext Context { get; }

    /// <summary>Still training: no <see cref="Finish"/> yet.</summary>
    public bool Active => Result is null;

    public TrialResult? Result { get; private set; }

    public long Step;
    public long LastMeasuredStep = -1;
    public double LearningRate;
    public double SgdLossSum;
    public int SgdLossCount;
    public double BestLoss = double.NaN;
    public double BestAccuracy = double.NaN;
    public long? StepsToTarget;
    public long ParameterCount { get; }
    public MeasurementRecord? Last;

    /// <summary>Wall time of this run so far, plus the trial's time before a resume.</summary>
    public double Elapsed => _wallOffset + _clock.Elapsed.TotalSeconds;

    /// <summary>Counts one SGD step's loss into the next measurement's mean SGD loss.</summary>
    public void AddSgdLoss(double loss)
    {
        SgdLossSum += loss;
        SgdLossCount++;
    }

    /// <summary>
    /// Books a measurement (with the mean SGD loss since the last one) and reports it. Returns false when the model has
    /// diverged (non-finite loss): the record is kept as the last one but not reported.
    /// </summary>
    public bool Record(MeasurementRecord measured)
    {
        var record = measured with { SgdLoss = SgdLossCount > 0 ? SgdLossSum / SgdLossCount : double.NaN };
        SgdLossSum = 0;
        SgdLossCount = 0;
        LastMeasuredStep = Step;
        Last = record;
        if (!double.IsFinite(record.TrainLoss)) return false;
        BestLoss = double.IsNaN(BestLoss) ? record.TrainLoss : Math.Min(BestLoss, record.TrainLoss);
        BestAccuracy = double.IsNaN(BestAccuracy) ? record.TrainAccuracy : Math.Max(BestAccuracy, record.TrainAccuracy);
        if (StepsToTarget is null && _config.Training.TargetLoss > 0 && record.TrainLoss <= _config.Training.TargetLoss)
            StepsToTarget = Step;
        Context.OnMeasurement?.Invoke(record);
        return true;
    }

    /// <summary>The checkpoint of this trial after <paramref name="completedEpochs"/>.</summary>
    public TrialCheckpoint Checkpoint(int completedEpochs) =>
        new(completedEpochs, Step, Elapsed, LastMeasuredStep, BestLoss, BestAccuracy, StepsToTarget);

    /// <summary>Ends the run; <see cref="Result"/> holds what it returns.</summary>
    public TrialResult Finish(TrialOutcomeStatus status, int epochs, Device device, string? error = null) => Result = new TrialResult
    {
        Status = status,
        Steps = Step,
        Epochs = epochs,
        FinalLoss = Last?.TrainLoss ?? double.NaN,
        FinalAccuracy = Last?.TrainAccuracy ?? double.NaN,
        FinalTestAccuracy = Last?.TestAccuracy ?? double.NaN,
        BestLoss = BestLoss,
        BestAccuracy = BestAccuracy,
        StepsToTargetLoss = StepsToTarget,
        WallSeconds = Elapsed,
        ParameterCount = ParameterCount,
        Device = device.ToString(),
        Error = error,
        ResumedFromStep = _resumedFrom,
    };
}
