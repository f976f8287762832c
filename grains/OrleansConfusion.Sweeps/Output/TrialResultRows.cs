using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>Builds a sweep's summary pages from its sweep; pure, so it is tested without a cluster.</summary>
public static class TrialResultRows
{
    public static TrialResultRow From(Sweep sweep, int index)
    {
        var book = sweep.Ledger;
        var outcome = book.Outcome(index);
        var last = book.Last(index);
        var spec = book.Spec(index);
        sweep.Board.TryGetRunning(index, out var running);
        return new TrialResultRow
        {
            TrialId = spec.TrialId,
            Label = SweepPlanner.Label(spec),
            State = book.State(index),
            FinalLoss = outcome?.FinalLoss ?? double.NaN,
            FinalAccuracy = outcome?.FinalAccuracy ?? double.NaN,
            FinalTestAccuracy = outcome?.FinalTestAccuracy ?? double.NaN,
            MinCosine = last?.PaperMinCosine,
            PerSampleMinCosine = last?.PerSampleMinCosine,
            Eta = last?.Eta,
            Error = outcome?.Error ?? running?.Status?.Error,
        };
    }

    /// <summary>Rows <paramref name="offset"/>.. of the plan, at most <see cref="SweepResultsPage.MaxPageSize"/>.</summary>
    public static TrialResultRow[] Page(Sweep book, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int take = Math.Min(Math.Min(count, SweepResultsPage.MaxPageSize), Math.Max(0, book.Count - offset));
        var rows = new TrialResultRow[take];
        for (int i = 0; i < take; i++) rows[i] = From(book, offset + i);
        return rows;
    }
}
