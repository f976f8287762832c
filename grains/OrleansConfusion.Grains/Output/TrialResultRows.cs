using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>Builds a sweep's summary pages from the coordinator's records; pure, so it is tested without a cluster.</summary>
public static class TrialResultRows
{
    public static TrialResultRow From(TrialRecord record, LastMeasurement? last)
    {
        var outcome = record.Outcome;
        return new TrialResultRow
        {
            TrialId = record.Spec.TrialId,
            Label = SweepPlanner.Label(record.Spec),
            State = record.State,
            FinalLoss = outcome?.FinalLoss ?? double.NaN,
            FinalAccuracy = outcome?.FinalAccuracy ?? double.NaN,
            FinalTestAccuracy = outcome?.FinalTestAccuracy ?? double.NaN,
            MinCosine = last?.PaperMinCosine,
            PerSampleMinCosine = last?.PerSampleMinCosine,
            Eta = last?.Eta,
            Error = outcome?.Error ?? record.Status?.Error,
        };
    }

    /// <summary>Rows <paramref name="offset"/>.. of <paramref name="order"/>, at most <see cref="SweepResultsPage.MaxPageSize"/>.</summary>
    public static TrialResultRow[] Page(IReadOnlyList<string> order, IReadOnlyDictionary<string, TrialRecord> records,
        Func<string, LastMeasurement?> last, int offset, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int take = Math.Min(Math.Min(count, SweepResultsPage.MaxPageSize), Math.Max(0, order.Count - offset));
        var rows = new TrialResultRow[take];
        for (int i = 0; i < take; i++)
        {
            string id = order[offset + i];
            rows[i] = From(records[id], last(id));
        }
        return rows;
    }
}
