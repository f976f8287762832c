using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Cli.Results;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests;

/// <summary>`results` on files the sink wrote in many row groups: every group is read, one at a time.</summary>
public sealed class ResultsReaderTests
{
    [Fact]
    public async Task Results_read_every_row_group_and_keep_each_trials_last_measurement()
    {
        using var dir = new TempDirectory("oc-results-groups");
        var plan = Enumerable.Range(0, 5).Select(i => new TrialSpec
        {
            SweepId = "groups", TrialId = $"t{i}", Seed = i, Model = new ModelSpec { Architecture = "mlp", Width = 8, Depth = 1, Init = "he_normal" },
        }).ToList();
        var output = new SweepOutput(dir.Path, NullLogger.Instance) { RowGroupSize = 3 };
        await using (var recorder = new SweepRecorder(new Sweep(plan), output))
        {
            await output.LoadAsync(recorder.Sweep.Ledger, rerunUnfinished: true);
            for (int t = 0; t < plan.Count; t++)
            {
                var rows = Enumerable.Range(0, 4).Select(i => new MeasurementRow { TrialId = plan[t].TrialId, Step = i * 10, PaperMinCosine = -t - i / 10.0 }).ToList();
                await recorder.DeliverAsync(t, rows);
                var outcome = new TrialOutcome { TrialId = plan[t].TrialId, State = TrialState.Completed, LastMeasuredStep = 30, FinishedAt = DateTimeOffset.UtcNow };
                Assert.Equal(OutcomeVerdict.Taken, (await recorder.FinishAsync(outcome, cancelRequested: false)).Verdict);
            }
            await recorder.WriteFinalAsync();
        }

        var results = await new ParquetResultsReader().ReadAsync(dir.Path, CancellationToken.None);

        Assert.Equal(20, results.MeasurementRows); // 7 row groups of at most 3
        Assert.Equal(5, results.Trials.Count);
        Assert.All(results.Trials, r => Assert.Equal(-int.Parse(r.TrialId[1..]) - 0.3, r.MinCosine!.Value, 9));
    }
}
