using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// Runs a sweep output's whole write path once, on a throwaway sweep in a temp folder, as the silo
/// starts. Parquet.Net compiles its row serialisers and System.Text.Json builds its converters on first
/// use. Traced on the bench's first quick.yaml sweep on 2 cores, that was about 25 ms at the first journal
/// append and 30 ms at the final files, on the first sweep's coordinator. It runs
/// in the background, so silo start does not wait for it, and a failure is only logged.
/// </summary>
internal sealed class OutputWarmup(ILogger<OutputWarmup> logger) : BackgroundService
{
    /// <summary>Where the throwaway sweep goes (a fresh folder below it per run).</summary>
    internal string Root { get; init; } = Path.Combine(Path.GetTempPath(), "orleansconfusion-warmup");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string directory = Path.Combine(Root, Guid.NewGuid().ToString("N"));
        try
        {
            await WriteSampleSweepAsync(directory, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Output warm-up failed; the first sweep pays the serialisers' first-use cost instead");
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
        var trial = new TrialSpec { SweepId = "warmup", TrialId = "warmup" };
        var cosines = CosineStatistics.From([-0.5, 0.0, 0.5], 4);
        var record = new MeasurementRecord
        {
            TrainLoss = 1, TestLoss = 1, Paper = cosines,
            PerSample = new PerSampleStatistics(3, 0.5, -0.5, cosines, 1, 1, 1, 1),
        };
        var now = DateTimeOffset.UtcNow;
        await output.AppendMeasurementsAsync(trial, [MeasurementRowMapper.ToRow(trial.TrialId, record, now)], cancellationToken);
        var outcome = new TrialOutcome { TrialId = trial.TrialId, State = TrialState.Completed, FinishedAt = now };
        await output.WriteOutcomeAsync(trial, outcome, cancellationToken);
        await output.WriteFinalAsync([(trial, outcome)], cancellationToken);
        await output.LoadAsync(cancellationToken);
    }
}
