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

    /// <summary>The calls a coordinator makes, in its order: journal rows and an outcome, final files, reload.</summary>
    internal static async Task WriteSampleSweepAsync(string directory, CancellationToken cancellationToken)
    {
        var output = new SweepOutput(directory, NullLogger.Instance);
        await output.LoadAsync(cancellationToken);
        var finished = await JournalSampleTrialsAsync(output, trials: 1, rowsPerTrial: 1, cancellationToken);
        await output.WriteFinalAsync(finished, cancellationToken);
        await output.LoadAsync(cancellationToken);
    }

    /// <summary>
    /// Journals <paramref name="trials"/> completed trials of <paramref name="rowsPerTrial"/> measurements
    /// each (steps 0, 16, …), as their grains would deliver them; returns them for the final files.
    /// </summary>
    internal static async Task<List<(TrialSpec Trial, TrialOutcome Outcome)>> JournalSampleTrialsAsync(
        SweepOutput output, int trials, int rowsPerTrial, CancellationToken cancellationToken = default)
    {
        var cosines = CosineStatistics.From([-0.5, 0.0, 0.5, 0.2], 20);
        var finished = new List<(TrialSpec, TrialOutcome)>();
        for (int t = 0; t < trials; t++)
        {
            var trial = new TrialSpec { SweepId = "sample", TrialId = $"sample{t}" };
            var rows = Enumerable.Range(0, rowsPerTrial).Select(i => MeasurementRowMapper.ToRow(trial.TrialId, new MeasurementRecord
            {
                Step = i * 16, TrainLoss = 1, TestLoss = 1, Paper = cosines,
                PerSample = new PerSampleStatistics(3, 0.5, -0.5, cosines, 1, 1, 1, 1),
            }, DateTimeOffset.UtcNow)).ToArray();
            await output.AppendMeasurementsAsync(trial, rows, cancellationToken);
            var outcome = new TrialOutcome { TrialId = trial.TrialId, State = TrialState.Completed, FinishedAt = DateTimeOffset.UtcNow };
            await output.WriteOutcomeAsync(trial, outcome, cancellationToken);
            finished.Add((trial, outcome));
        }
        return finished;
    }
}
