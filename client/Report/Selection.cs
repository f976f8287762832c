using System.Globalization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// What a report kept of a sweep before its trends: in every cell of the other axes, the value of <see cref="Axis"/>
/// whose mean over seeds of <see cref="By"/> was best (<see cref="Goal"/>), and where that came from.
/// </summary>
internal sealed record Selection(string Axis, string By, string Goal, string DeclaredIn, IReadOnlyList<SelectionCell> Cells)
{
    /// <summary>The value the selected axis shows in titles and tables once selected: one per cell, not a slicing axis.</summary>
    public const string KeptValue = "best";

    /// <summary>"mean final_loss over seeds, lower is better".</summary>
    public string Criterion => $"mean {By} over seeds, {(Goal == "max" ? "higher" : "lower")} is better";

    /// <summary>
    /// Keeps, in every cell of the other axes (the seed aside), the value of <paramref name="axis"/> with the best mean of
    /// <paramref name="by"/> over its seeds. A value is a candidate only when every one of its trials completed with a
    /// finite criterion (a learning rate at which 2 of 5 seeds diverged is not "best" by the 3 that did not); a cell
    /// with no candidate is left out. Ties keep the smaller value. The kept trials show <see cref="KeptValue"/> for the axis.
    /// </summary>
    public static (Selection Selection, List<TrialRow> Kept) Apply(IReadOnlyList<TrialRow> trials, string axis, string by, string goal, string declaredIn)
    {
        var cells = new List<SelectionCell>();
        var kept = new List<TrialRow>();
        var others = SweepAxes.All.Where(a => a != axis).ToList();
        foreach (var cell in trials.GroupBy(t => t.KeyWithout([axis])).OrderBy(g => SortKey(g.First(), others), StringComparer.Ordinal))
        {
            var candidates = SweepAxes.Sort(axis, cell.Select(t => t[axis]).Distinct())
                .Select(value =>
                {
                    var at = cell.Where(t => t[axis] == value).ToList();
                    bool eligible = at.All(t => t.Status is ("" or "completed") && t.Criterion is { } c && double.IsFinite(c));
                    double mean = eligible ? at.Average(t => t.Criterion!.Value) : double.NaN;
                    string why = eligible ? "" : $"{at.Count(t => t.Status is not ("" or "completed"))} of {at.Count} did not complete";
                    return new SelectionCandidate(value, mean, at.Count, why);
                })
                .ToList();
            var eligibleCandidates = candidates.Where(c => !double.IsNaN(c.Mean)).ToList();
            string description = SweepAxes.Describe(cell.First().Config, others.Where(a => cell.First()[a].Length > 0 && trials.Select(t => t[a]).Distinct().Count() > 1));
            if (eligibleCandidates.Count == 0)
            {
                cells.Add(new SelectionCell(description, null, candidates));
                continue;
            }
            var best = goal == "max" ? eligibleCandidates.MaxBy(c => c.Mean)! : eligibleCandidates.MinBy(c => c.Mean)!;
            cells.Add(new SelectionCell(description, best.Value, candidates));
            kept.AddRange(cell.Where(t => t[axis] == best.Value).Select(t => t with { Config = new Dictionary<string, string>(t.Config) { [axis] = KeptValue } }));
        }
        return (new Selection(axis, by, goal, declaredIn, cells), kept);
    }

    /// <summary>Cells in the axes' natural order (width 16 before 256), numbers padded so they sort as strings.</summary>
    static string SortKey(TrialRow t, IEnumerable<string> axes) => string.Join("|", axes.Select(a =>
        SweepAxes.Numeric(a, t[a]) is var d && !double.IsNaN(d) ? d.ToString("000000000.######", CultureInfo.InvariantCulture) : t[a]));

    /// <summary>A mean for report.md: 4 significant digits, or the reason there is none.</summary>
    public static string Text(SelectionCandidate c) =>
        double.IsNaN(c.Mean) ? $"— ({c.Why})" : c.Mean.ToString("G4", CultureInfo.InvariantCulture);
}
