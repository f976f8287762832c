namespace OrleansConfusion.Cli.Report;

/// <summary>
/// One trial of the trials/ parts: its configuration (axis name → canonical value), seed and status, and its
/// steps to the target loss (see <see cref="TrendStatistic.StepsToTargetLoss"/>; null where the sweep has none).
/// </summary>
/// <param name="Criterion">The value of the report's selection column (<see cref="Selection"/>) for this trial, when one is asked for.</param>
internal sealed record TrialRow(string TrialId, IReadOnlyDictionary<string, string> Config, long Seed, string Status, double? StepsToTarget = null, double? Criterion = null)
{
    public string this[string axis] => Config.TryGetValue(axis, out var v) ? v : "";

    /// <summary>The configuration without the given axes, as a grouping key.</summary>
    public string KeyWithout(IReadOnlyCollection<string> axes) =>
        string.Join("|", SweepAxes.All.Where(a => !axes.Contains(a)).Select(a => $"{a}={this[a]}"));
}
