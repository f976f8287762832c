using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests;

/// <summary>`results` on a dataset the sink wrote in many parts: every part is read, each trial summarised once.</summary>
public sealed class ResultsReaderTests
{
    [Fact]
    public async Task Results_read_every_part_and_keep_each_trials_last_measurement()
    {
        using var dir = new TempDirectory("oc-results-groups");
        var plan = Enumerable.Range(0, 5).Select(i => new TrialSpec
        {
            SweepId = "groups", TrialId = $"t{i}", Seed = i, Model = new ModelSpec { Architecture = "mlp", Width = 8, Depth = 1, Init = "he_normal" },
        }).ToList();
        var output = new SweepOutput(dir.Path, NullLogger.Instance) { SealRows = 3 };
        await using (var recorder = new SweepRecorder(new Sweep(plan), output))
        {
            await output.LoadAsync(recorder.Sweep.Ledger, rerunUnfinished: true);
            for (int t = 0; t < plan.Count; t++)
            {
                var rows = Enumerable.Range(0, 4).Select(i => new MeasurementRow { TrialId = plan[t].TrialId, Step = i * 10, PaperMinCosine = -t - i / 10.0 }).ToList();
                await recorder.DeliverAsync(t, rows);
                var outcome = new TrialOutcome { TrialId = plan[t].TrialId, State = TrialState.Completed, LastMeasuredStep = 30, FinishedAt = DateTime.UtcNow };
                Assert.Equal(OutcomeVerdict.Taken, (await recorder.FinishAsync(outcome, cancelRequested: false)).Verdict);
                Assert.True(await output.SealDueAsync(DateTime.UtcNow) >= 1); // 4 rows: over the part size
            }
            await recorder.FinishOutputAsync();
        }

        var results = await new ParquetResultsReader().ReadAsync(dir.Path, CancellationToken.None);

        Assert.Equal(5, DatasetLayout.Parts(dir.Path, DatasetLayout.Metrics).Count);
        Assert.Equal(20, results.MeasurementRows);
        Assert.Equal(5, results.Trials.Count);
        Assert.All(results.Trials, r => Assert.Equal(-int.Parse(r.TrialId[1..]) - 0.3, r.MinCosine!.Value, 9));
    }
}
