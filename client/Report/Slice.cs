namespace OrleansConfusion.Cli.Report;

/// <summary>
/// Trials that differ only in one axis (and seed, and any axes left free on purpose): the unit a
/// figure's lines or a trend row is drawn from. <see cref="HeldFixed"/> names the values of the
/// sweep's other varying axes, for titles.
/// </summary>
internal sealed record Slice(string Axis, IReadOnlyDictionary<string, string> Fixed, string HeldFixed, IReadOnlyList<AxisGroup> Groups)
{
    public int MinSeeds => Groups.Count == 0 ? 0 : Groups.Min(g => g.Trials.Count);

    public string FixedValue(string axis) => Fixed.TryGetValue(axis, out var v) ? v : "";

    /// <summary>
    /// Splits trials into slices along <paramref name="axis"/>: one slice per combination of the other
    /// axes (those in <paramref name="free"/> are pooled, not split), keeping slices where the axis takes
    /// at least two values.
    /// </summary>
    public static IReadOnlyList<Slice> Along(IEnumerable<TrialSummary> trials, string axis, IReadOnlyList<string> varyingAxes, params string[] free)
    {
        var ignore = new HashSet<string>(free) { axis };
        var named = varyingAxes.Where(a => !ignore.Contains(a)).ToList();
        var slices = new List<Slice>();
        foreach (var slice in trials.GroupBy(t => t.Trial.KeyWithout(ignore)))
        {
            var first = slice.First().Trial;
            var groups = SweepAxes.Sort(axis, slice.Select(t => t.Trial[axis]).Distinct())
                .Select(v => new AxisGroup(v, SweepAxes.Numeric(axis, v), [.. slice.Where(t => t.Trial[axis] == v).OrderBy(t => t.Trial.Seed)]))
                .ToList();
            if (groups.Count < 2) continue;
            var fixedValues = SweepAxes.All.Where(a => !ignore.Contains(a)).ToDictionary(a => a, a => first[a]);
            slices.Add(new Slice(axis, fixedValues, SweepAxes.Describe(fixedValues, named), groups));
        }
        return [.. slices.OrderBy(s => SortKey(s, named))];
    }

    static string SortKey(Slice s, List<string> named) =>
        string.Join("|", named.Select(a => SweepAxes.Numeric(a, s.FixedValue(a)) is var d && !double.IsNaN(d) ? d.ToString("000000000.######", System.Globalization.CultureInfo.InvariantCulture) : s.FixedValue(a)));
}
