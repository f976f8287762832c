using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// A sweep output's whole write path, run once on a throwaway sweep in a temp folder as the silo starts
/// (<see cref="SiloWarmup"/>). Parquet.Net compiles its row serialisers and System.Text.Json builds its
/// converters on first use. Traced on the bench's first quick.yaml sweep on 2 cores, that was about 25 ms
/// at the first journal append and 30 ms at the final files, on the first sweep's coordinator.
/// </summary>
internal static class OutputWarmup
{
    /// <summary>Writes and reads back a sample sweep in a fresh folder below <paramref name="root"/>, then removes it.</summary>
    public static async Task RunAsync(string root, ILogger logger, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(root, Guid.NewGuid().ToString("N"));
        try
        {
            await WriteSampleSweepAsync(directory, cancellationToken);
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (DirectoryNotFoundException) { }
            catch (IOException e) { logger.LogDebug(e, "Could not remove warm-up folder {Directory}", directory); }
        }
    }

    /// <summary>The calls a coordinator makes, in its order: load, rows and an outcome, sealing and compaction, reload.</summary>
    internal static async Task WriteSampleSweepAsync(string directory, CancellationToken cancellationToken)
    {
        await using (var recorder = (await SweepRecorder.OpenAsync(SamplePlan(trials: 1), directory, rerunUnfinished: true, NullLogger.Instance, cancellationToken)).Recorder)
        {
            await RecordSampleTrialsAsync(recorder, rowsPerTrial: 1, cancellationToken);
            await recorder.FinishOutputAsync(cancellationToken);
        }
        await using var reloaded = (await SweepRecorder.OpenAsync(SamplePlan(trials: 1), directory, rerunUnfinished: false, NullLogger.Instance, cancellationToken)).Recorder;
    }

    /// <summary><paramref name="trials"/> sample trials, ids sample0, sample1, ….</summary>
    internal static List<TrialSpec> SamplePlan(int trials) =>
        Enumerable.Range(0, trials).Select(t => new TrialSpec { SweepId = "sample", TrialId = $"sample{t}" }).ToList();

    /// <summary>
    /// Records every trial of the sweep as completed with <paramref name="rowsPerTrial"/> measurements (steps 0, 16, …),
    /// as their grains would deliver them and the coordinator would take them.
    /// </summary>
    internal static async Task RecordSampleTrialsAsync(SweepRecorder recorder, int rowsPerTrial, CancellationToken cancellationToken = default)
    {
        var cosines = CosineStatistics.From([-0.5, 0.0, 0.5, 0.2], 20);
        for (int t = 0; t < recorder.Sweep.Count; t++)
        {
            var trial = recorder.Sweep.Ledger.Spec(t);
            var rows = Enumerable.Range(0, rowsPerTrial).Select(i => MeasurementRowMapper.ToRow(trial.TrialId, new MeasurementRecord
            {
                Step = i * 16, TrainLoss = 1, TestLoss = 1, Paper = cosines,
                PerSample = new PerSampleStatistics(3, 0.5, -0.5, cosines, 1, 1, 1, 1),
            }, DateTimeOffset.UtcNow)).ToArray();
            await recorder.DeliverAsync(t, rows, cancellationToken);
            var outcome = new TrialOutcome
            {
                TrialId = trial.TrialId, State = TrialState.Completed, FinishedAt = DateTime.UtcNow, LastMeasuredStep = rows.Length > 0 ? rows[^1].Step : -1,
            };
            var (verdict, _) = await recorder.FinishAsync(outcome, cancelRequested: false, cancellationToken);
            if (verdict != OutcomeVerdict.Taken) throw new InvalidOperationException($"sample trial {trial.TrialId} was not taken: {verdict}");
        }
    }
}
