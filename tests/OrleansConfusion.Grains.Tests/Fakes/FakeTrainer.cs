using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Emits <see cref="FakeBehavior.Measurements"/> measurements (steps 0, 10, 20, …) with a pause before
/// each, honouring cancellation; or hands the trial to the real trainer when the sweep asks for it.
/// Deterministic like the engine: a re-driven attempt emits the same steps again.
/// </summary>
public sealed class FakeTrainer(TorchTrialTrainer real, ILocalSiloDetails silo) : ITrialTrainer
{
    public TrialResult Train(TrialSpec spec, TrialTrainingContext context)
    {
        var behavior = TrainingTracker.BehaviorFor(spec.SweepId) ?? new FakeBehavior(0, TimeSpan.Zero);
        if (behavior.Real) return real.Train(spec, context);
        var tracker = TrainingTracker.For(spec.SweepId);
        using var _ = tracker.Enter(silo.Name);
        return Fake(spec, context, behavior, tracker);
    }

    /// <summary>A fused group holds one slot (one <see cref="SweepTracker.Enter"/>) and trains its seeds one after another.</summary>
    public IReadOnlyList<TrialResult> TrainFused(IReadOnlyList<TrialSpec> seeds, IReadOnlyList<TrialTrainingContext> contexts)
    {
        var behavior = TrainingTracker.BehaviorFor(seeds[0].SweepId) ?? new FakeBehavior(0, TimeSpan.Zero);
        if (behavior.Real) return real.TrainFused(seeds, contexts);
        var tracker = TrainingTracker.For(seeds[0].SweepId);
        tracker.FusedGroups.Add([.. seeds.Select(s => s.TrialId)]);
        using var _ = tracker.Enter(silo.Name);
        return [.. seeds.Select((seed, i) => Fake(seed, contexts[i], behavior, tracker))];
    }

    static TrialResult Fake(TrialSpec spec, TrialTrainingContext context, FakeBehavior behavior, SweepTracker tracker)
    {
        tracker.ResumeThrough[(spec.TrialId, context.Attempt)] = context.DeliveredThroughStep();
        if (behavior.Gate is { } gate)
        {
            Interlocked.Increment(ref tracker.Blocked);
            int woke = WaitHandle.WaitAny([gate.WaitHandle, context.CancellationToken.WaitHandle]);
            Interlocked.Decrement(ref tracker.Blocked);
            if (woke == 1) return new TrialResult { Status = TrialOutcomeStatus.Cancelled, Device = context.Device };
        }
        long total = Math.Max(0, (behavior.Measurements - 1) * 10L);
        for (int i = 0; i < behavior.Measurements; i++)
        {
            // Blocks like a real trainer; wakes early when cancelled.
            if (context.CancellationToken.WaitHandle.WaitOne(behavior.Delay))
            {
                return new TrialResult { Status = TrialOutcomeStatus.Cancelled, Steps = i * 10L, Device = context.Device };
            }
            context.OnProgress(new TrialProgress(i * 10L, total, i, 1.0 / (i + 1), 100, 3200));
            context.OnMeasurement(Measurement(i));
        }
        return new TrialResult
        {
            Status = TrialOutcomeStatus.Completed,
            Steps = total,
            Epochs = behavior.Measurements,
            FinalLoss = 0.5,
            BestLoss = 0.4,
            FinalAccuracy = 0.9,
            BestAccuracy = 0.95,
            FinalTestAccuracy = 0.85,
            StepsToTargetLoss = 10,
            WallSeconds = 0.1,
            ParameterCount = 1234,
            Device = context.Device,
        };
    }

    static MeasurementRecord Measurement(int i)
    {
        var cosines = CosineStatistics.From([-0.2, 0.1, 0.3, 0.5], 4);
        return new MeasurementRecord
        {
            Step = i * 10L,
            Epoch = i,
            LearningRate = 0.1,
            SgdLoss = i == 0 ? double.NaN : 1.0 / i,
            TrainLoss = 1.0 / (i + 1),
            TrainAccuracy = 0.5,
            TestLoss = 1.1 / (i + 1),
            TestAccuracy = 0.45,
            WallSeconds = i * 0.1,
            Paper = cosines,
            PaperSeconds = 0.01,
            PerSample = new PerSampleStatistics(4, 0.3, -0.3, cosines, 0.5, 1.0, 1.1, 2.0),
            PerSampleSeconds = 0.02,
        };
    }
}
