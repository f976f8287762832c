using OrleansConfusion.Engine.Configuration;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// One training run of a trial grain's lanes in one of its silo's slots: it queues for the slot, trains one trial or a
/// fuse group there, and returns each lane's result, or the error that ended the run. The training thread gets only
/// the lanes' contexts (<see cref="TrialLane.Context"/>) and signals, never a lane or a grain field. Awaited from grain
/// code, so its caller resumes on the grain's scheduler.
/// </summary>
internal static class TrialWork
{
    public sealed record Ended(IReadOnlyList<TrialResult>? Results, Exception? Error);

    public static async Task<Ended> RunAsync(TrialLane[] lanes, SiloTrainingCapacity capacity, ITrialTrainer trainer, Func<TrialSpec, string?> checkpointPath,
        string grainKey, ILogger logger, CancellationToken cancellationToken)
    {
        var specs = lanes.Select(l => l.Spec).ToArray();
        var signals = lanes.Select(l => l.Signals).ToArray();
        var contexts = lanes.Select(l => l.Context(checkpointPath(l.Spec), capacity.Device, cancellationToken)).ToArray();
        try
        {
            return new Ended(await capacity.RunAsync(() => TrainInSlot(trainer, specs, contexts, signals, logger), cancellationToken), null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new Ended([.. lanes.Select(_ => new TrialResult { Status = TrialOutcomeStatus.Cancelled, Device = capacity.Device, Error = "cancelled while waiting for a training slot" })], null);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Trial grain {Grain} ({Trials}) failed", grainKey, string.Join(", ", specs.Select(s => s.TrialId)));
            return new Ended(null, e);
        }
        finally
        {
            foreach (var lane in lanes) lane.EndRun();
        }
    }

    /// <summary>Runs on a slot thread: only its arguments, never grain fields.</summary>
    static IReadOnlyList<TrialResult> TrainInSlot(ITrialTrainer trainer, TrialSpec[] specs, TrialTrainingContext[] contexts, WorkerSignals[] signals, ILogger logger)
    {
        foreach (var s in signals) s.Training = true;
        for (int i = 0; i < specs.Length; i++)
            logger.LogInformation("Trial {Trial} (dispatch {Dispatch}) starts training on {Device}{Fused}; the coordinator holds its rows through step {Step}",
                specs[i].GrainKey, contexts[i].Attempt, contexts[i].Device, specs.Length > 1 ? $", fused with {specs.Length - 1} other seeds" : "", contexts[i].DeliveredThroughStep());
        if (specs.Length == 1) return [trainer.Train(specs[0], contexts[0])];
        var results = trainer.TrainFused(specs, contexts);
        if (results.Count != specs.Length) throw new InvalidOperationException($"the trainer returned {results.Count} results for {specs.Length} fused seeds");
        return results;
    }
}
