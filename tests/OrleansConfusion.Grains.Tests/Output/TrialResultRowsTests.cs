using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>The coordinator's summary pages without a cluster: bounded, in order, and built from the last step.</summary>
public sealed class TrialResultRowsTests
{
    [Fact]
    public void Pages_are_capped_and_cover_every_trial_once_in_plan_order()
    {
        var order = Enumerable.Range(0, 2500).Select(i => $"t{i}").ToList();
        var book = new Sweep(order.Select(id => new TrialSpec { TrialId = id, Model = new ModelSpec { Width = 8, Depth = 1 } }).ToList());

        var pages = new List<TrialResultRow[]>();
        for (int offset = 0; offset < order.Count; offset += pages[^1].Length)
            pages.Add(TrialResultRows.Page(book, offset, int.MaxValue));

        Assert.Equal([1000, 1000, 500], pages.Select(p => p.Length));
        Assert.Equal(order, pages.SelectMany(p => p).Select(r => r.TrialId));
        Assert.Empty(TrialResultRows.Page(book, 2500, 10));
        Assert.Empty(TrialResultRows.Page(book, 9999, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrialResultRows.Page(book, -1, 10));
    }

    [Fact]
    public void A_row_takes_the_outcome_and_the_confusion_of_the_highest_step()
    {
        var spec = new TrialSpec { TrialId = "a", Seed = 3, Model = new ModelSpec { Width = 64, Depth = 2 } };
        var book = new Sweep([spec]);
        book.Ledger.Delivered(0, book.Ledger.TakeNewRows(0, [Row(10, -0.5), Row(30, -0.1), Row(20, -0.9)]));
        var outcome = new TrialOutcome { TrialId = "a", State = TrialState.Diverged, FinalLoss = 2.5, FinalAccuracy = 0.25, FinalTestAccuracy = 0.2, Error = "loss is NaN", LastMeasuredStep = 30 };
        Assert.Equal(OutcomeVerdict.Taken, book.Judge(ref outcome, cancelRequested: false));
        book.Commit(outcome);

        var row = TrialResultRows.From(book, 0);

        Assert.Equal("mlp w64 d2 he_normal relu s3", row.Label);
        Assert.Equal((TrialState.Diverged, 2.5, 0.25, 0.2, "loss is NaN"), (row.State, row.FinalLoss, row.FinalAccuracy, row.FinalTestAccuracy, row.Error));
        Assert.Equal((-0.1, -0.2, 0.3), (row.MinCosine, row.PerSampleMinCosine, row.Eta));
    }

    static MeasurementRow Row(long step, double minCosine) =>
        new() { TrialId = "a", Step = step, PaperMinCosine = minCosine, PerSampleMinCosine = minCosine * 2, Eta = step / 100.0 };
}
