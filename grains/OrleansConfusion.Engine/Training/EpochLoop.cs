using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// The one epoch loop of every training run, alone or fused: the learning-rate schedule per epoch, each member's data
/// order, cancellation, divergence, the measurement schedule (at initialisation, every N steps, after each epoch or only
/// the last) and checkpoints. Per member (<see cref="TrialRunState"/>): a member that is cancelled or diverges stops on
/// its own and keeps its outcome; the others go on. Everything a member reports goes through its own state, so a seed
/// reports the same whether it trained fused or alone.
/// </summary>
internal static class EpochLoop
{
    /// <summary>Runs until every member finished; <paramref name="firstEpoch"/> and the members' steps say where a resume starts.</summary>
    public static void Run(TrialConfig[] configs, TrialRunState[] members, ILockstepModel model, int samples, Device device, bool resumed, int firstEpoch)
    {
        // Members share their shapes and schedule lengths (the fused runner checks it), so the first one's counts hold for all.
        var training = configs[0].Training;
        var measurement = configs[0].Measurement;
        long stepsPerEpoch = TrialRunner.StepsPerEpoch(samples, training.BatchSize);
        long totalSteps = TrialRunner.TotalSteps(training, samples);
        int epochs = (int)((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);
        long step = members[0].Step;

        if (!resumed) Measure(model, members, step, epoch: 0, "non-finite loss at initialisation", device);
        var progress = members.Select(m => new ProgressThrottle(m.Context.OnProgress, totalSteps, training.BatchSize)).ToArray();
        for (int epoch = firstEpoch; epoch < epochs && step < totalSteps && members.Any(m => m.Active); epoch++)
        {
            var rates = configs.Select(c => TrialRunner.LearningRate(c.Training, epoch)).ToArray();
            for (int i = 0; i < members.Length; i++) members[i].LearningRate = rates[i];
            var orders = configs.Select(c => TrialRunner.Permutation(samples, c.Seed, epoch)).ToArray();
            for (long b = 0; b < stepsPerEpoch && step < totalSteps; b++)
            {
                foreach (var m in members.Where(m => m.Active && m.Context.CancellationToken.IsCancellationRequested))
                    m.Finish(TrialOutcomeStatus.Cancelled, epoch, device);
                if (!members.Any(m => m.Active)) break;

                var losses = model.Step(orders, b * training.BatchSize, rates, [.. members.Select(m => m.Active)]);
                step++;
                for (int i = 0; i < members.Length; i++)
                {
                    var m = members[i];
                    if (!m.Active) continue;
                    m.Step = step;
                    if (!double.IsFinite(losses[i]))
                    {
                        m.Finish(TrialOutcomeStatus.Diverged, epoch, device, $"non-finite training loss at step {step}");
                        continue;
                    }
                    m.AddSgdLoss(losses[i]);
                    progress[i].Report(step, epoch, losses[i]);
                }
                if (measurement.EveryNSteps > 0 && step % measurement.EveryNSteps == 0)
                    Measure(model, members, step, epoch, $"non-finite loss at step {step}", device);
            }
            if (!members.Any(m => m.Active)) break;
            bool last = epoch == epochs - 1 || step >= totalSteps;
            if ((measurement.EachEpoch || last) && members.Any(m => m.Active && m.LastMeasuredStep != step))
                Measure(model, members, step, epoch + 1, $"non-finite loss at step {step}", device);
            for (int i = 0; i < members.Length; i++)
                if (members[i].Active && members[i].Context.CheckpointPath is not null)
                    model.SaveCheckpoint(i, members[i].Checkpoint(epoch + 1), members[i]);
        }
        foreach (var m in members.Where(m => m.Active)) m.Finish(TrialOutcomeStatus.Completed, epochs, device);
    }

    /// <summary>Measures the active members and books each record; a member whose loss is not finite ends diverged.</summary>
    static void Measure(ILockstepModel model, TrialRunState[] members, long step, int epoch, string divergedWhy, Device device)
    {
        var records = model.Measure([.. members.Select(m => m.Active)], step, epoch, members);
        for (int i = 0; i < members.Length; i++)
            if (records[i] is { } r && !members[i].Record(r)) members[i].Finish(TrialOutcomeStatus.Diverged, epoch, device, divergedWhy);
    }
}
