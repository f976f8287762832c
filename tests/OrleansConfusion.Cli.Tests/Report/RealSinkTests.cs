using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Cli.Report;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>The report on files written by the cluster's own Parquet sink (SweepOutput), not by the test helper.</summary>
public sealed class RealSinkTests
{
    [Fact]
    public async Task Report_reads_what_the_parquet_sink_writes()
    {
        using var folder = new SyntheticSweep("sink");
        var trials = new List<(TrialSpec Trial, List<MeasurementRow> Rows, TrialOutcome Outcome)>();
        foreach (int width in Sweeps.Widths)
            foreach (long seed in new long[] { 0, 1, 2 })
            {
                var trial = new TrialSpec
                {
                    SweepId = "sink",
                    TrialId = $"w{width}-s{seed}",
                    Model = new ModelSpec { Architecture = "mlp", Width = width, Depth = 2, Init = "he_normal" },
                    Seed = seed,
                    Dataset = new DatasetSpec { Name = "sphere" },
                };
                double noise = SyntheticSweep.Noise(seed, width, 0.01);
                var rows = Enumerable.Range(0, 4).Select(epoch => new MeasurementRow
                {
                    TrialId = trial.TrialId,
                    Step = epoch * 16L,
                    Epoch = epoch,
                    LearningRate = 0.1,
                    TrainLoss = 8.0 / width * Math.Exp(-0.3 * epoch) + noise,
                    PaperPairs = 20,
                    PaperMinCosine = -0.9 + 0.08 * Math.Log2(width) + noise,
                    PaperHistogram = [.. Enumerable.Range(0, 20).Select(b => (long)(b + width % 7))],
                    PerSampleM = 64,
                    Eta = 4.0 / Math.Sqrt(width) + noise,
                    PerSampleMinCosine = -0.95 + 0.08 * Math.Log2(width) + noise,
                    PerSampleHistogram = [.. Enumerable.Repeat(3L, 20)],
                    RecordedAt = DateTime.UtcNow,
                }).ToList();
                var outcome = new TrialOutcome { TrialId = trial.TrialId, State = TrialState.Completed, TrainedEpochs = 3, FinishedAt = DateTime.UtcNow, LastMeasuredStep = 48 };
                trials.Add((trial, rows, outcome));
            }
        // As the coordinator records them: rows, then the outcome, then the sweep's end (the last parts sealed, compacted).
        var (recorder, _) = await SweepRecorder.OpenAsync(trials.Select(t => t.Trial).ToList(), folder.Directory, rerunUnfinished: true, NullLogger.Instance);
        await using (recorder)
        {
            for (int i = 0; i < trials.Count; i++)
            {
                await recorder.DeliverAsync(i, trials[i].Rows);
                Assert.Equal(OutcomeVerdict.Taken, (await recorder.FinishAsync(trials[i].Outcome, cancelRequested: false)).Verdict);
            }
            await recorder.FinishOutputAsync();
        }

        var result = SweepReport.Generate(folder.Directory, folder.ReportPath);

        Assert.Equal(5, result.Figures.Count); // 4 by width and the F1-F4 summary page
        foreach (string figure in result.Figures) PngHeader.Read(figure);
        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        Assert.Equal(4, f1.Count);
        Assert.All(f1, r => Assert.Equal((9, TrendVerdict.Reproduced), (r.Trials, r.Verdict)));
        Assert.Empty(result.Notes);
    }
}
