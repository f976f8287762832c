using OrleansConfusion.Cli.Cluster;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Results;

/// <summary>
/// Reads a sweep's summary from its coordinator grain, page by page, so `watch` and `run` need no access
/// to the folder the silos write (a client pod mounts none; see docs/KUBERNETES.md). Each call is bounded
/// (<see cref="SweepResultsPage.MaxPageSize"/> rows); the pages together hold every trial.
/// </summary>
public sealed class CoordinatorResultsReader
{
    public async Task<SweepResults> ReadAsync(ISweepCoordinatorGrain coordinator, CancellationToken cancellationToken)
    {
        var rows = new List<TrialSummary>();
        SweepResultsPage page;
        int offset = 0;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            int from = offset;
            page = await CoordinatorCalls.CallAsync(() => coordinator.GetResultsAsync(from, SweepResultsPage.MaxPageSize), cancellationToken);
            rows.AddRange(page.Trials.Select(ToSummary));
            offset += page.Trials.Length;
        }
        // An empty page before the end means the plan shrank underneath (a resubmitted spec): stop there.
        while (page.Trials.Length > 0 && offset < page.TotalTrials);

        rows.Sort((a, b) => NaturalComparer.Instance.Compare(a.Label, b.Label));
        // TrialsFile is <sweep>/trials/*.parquet: the sweep's folder is two levels up.
        string directory = page.TrialsFile.Length > 0 ? Path.GetDirectoryName(Path.GetDirectoryName(page.TrialsFile)) ?? "" : "";
        return new SweepResults(directory, page.TrialsFile, page.MetricsFile, rows, page.MeasurementRows);
    }

    public static TrialSummary ToSummary(TrialResultRow r) => new()
    {
        TrialId = r.TrialId,
        Label = r.Label,
        Status = r.State.ToString().ToLowerInvariant(),
        FinalLoss = Finite(r.FinalLoss),
        FinalAccuracy = Finite(r.FinalAccuracy),
        FinalTestAccuracy = Finite(r.FinalTestAccuracy),
        MinCosine = r.MinCosine,
        PerSampleMinCosine = r.PerSampleMinCosine,
        Eta = r.Eta,
        Error = r.Error,
    };

    static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
