using System.Globalization;
using System.Text;

namespace OrleansConfusion.Cli.Report;

/// <summary>Writes report.md (PNG figures embedded by relative path, each with a link to its SVG; the trend table as a pipe table) and trends.csv.</summary>
internal static class ReportWriter
{
    public const string MarkdownFile = "report.md";
    public const string CsvFile = "trends.csv";

    public static readonly string[] CsvHeader =
        ["finding", "claim", "axis", "statistic", "held_fixed", "expected", "trials", "axis_values", "min_seeds", "spearman_rho", "ci_low", "ci_high", "effect", "effect_ci_low", "effect_ci_high", "verdict"];

    public static void WriteCsv(string path, IReadOnlyList<TrendRow> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", CsvHeader));
        foreach (var r in rows)
            sb.AppendLine(string.Join(",", new[]
            {
                r.Finding, r.Claim, r.Axis, r.StatisticText, r.HeldFixed, r.ExpectedText,
                r.Trials.ToString(CultureInfo.InvariantCulture), r.AxisValues.ToString(CultureInfo.InvariantCulture),
                r.MinSeeds.ToString(CultureInfo.InvariantCulture), Raw(r.Rho), Raw(r.CiLow), Raw(r.CiHigh),
                Raw(r.Effect), Raw(r.EffectLow), Raw(r.EffectHigh), r.VerdictText,
            }.Select(Csv)));
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    public static void WriteMarkdown(string path, SweepData data, IReadOnlyList<TrendRow> rows, IReadOnlyList<ReportFigure> figures, IReadOnlyList<string> notes)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"# Gradient confusion report: {data.SweepId}");
        sb.AppendLine();
        sb.AppendLine($"Sweep output: `{data.Directory}`: {data.Trials.Count} trials with {data.MeasurementCount} measurements. " +
                      $"Generated {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC by `confusion report`.");
        sb.AppendLine();
        var varying = data.VaryingAxes.Select(a =>
            $"{a} ({string.Join(", ", SweepAxes.Sort(a, data.Trials.Select(t => t.Trial[a]).Distinct()))})");
        sb.AppendLine($"- Varying axes: {(data.VaryingAxes.Count > 0 ? string.Join("; ", varying) : "none")}.");
        var seeds = data.Trials.Select(t => t.Trial.Seed).Distinct().Order().ToList();
        sb.AppendLine($"- Seeds: {seeds.Count} ({string.Join(", ", seeds)}).");
        var constants = data.Constants.Where(kv => kv.Value.Length > 0).Select(kv => SweepAxes.Describe(kv.Key, kv.Value));
        sb.AppendLine($"- Held constant across the sweep: {string.Join(", ", constants)}.");
        sb.AppendLine($"- Minimum cosine from `{data.MinCosineColumn ?? "(none)"}`, density from `{data.HistogramColumn ?? "(none)"}`, " +
                      $"loss from `{data.LossColumn ?? "(none)"}`, η {(data.HasEta ? "from `eta`" : "not measured")}.");
        sb.AppendLine();

        if (data.Selection is { } selection)
        {
            sb.AppendLine("## Selection");
            sb.AppendLine();
            sb.AppendLine($"In every cell of the other axes, the {selection.Axis} with the best {selection.Criterion} was kept, as declared in " +
                $"{selection.DeclaredIn}. A value is a candidate only when every one of its trials completed; the trends below are on what was kept " +
                $"(where a title says {selection.Axis}={Selection.KeptValue}, each cell has its own).");
            sb.AppendLine();
            var values = SweepAxes.Sort(selection.Axis, selection.Cells.SelectMany(c => c.Candidates).Select(c => c.Value).Distinct()).ToList();
            // Sampled values have 17 digits; 4 significant ones tell them apart in a table.
            string Short(string v) => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d.ToString("G4", CultureInfo.InvariantCulture) : v;
            sb.AppendLine($"| Cell | Kept {selection.Axis} | " + string.Join(" | ", values.Select(v => $"{selection.By} at {selection.Axis}={Short(v)}")) + " |");
            sb.AppendLine("|---|---|" + string.Concat(values.Select(_ => "---|")));
            foreach (var cell in selection.Cells)
                sb.AppendLine($"| {(cell.Cell.Length > 0 ? cell.Cell : "(all)")} | {(cell.Kept is { } kept ? Short(kept) : "none (no candidate)")} | " +
                    string.Join(" | ", values.Select(v => cell.Candidates.FirstOrDefault(c => c.Value == v) is { } c ? Selection.Text(c) : "")) + " |");
            sb.AppendLine();
        }

        sb.AppendLine("## Trends (findings F1–F4)");
        sb.AppendLine();
        if (rows.Count == 0)
        {
            sb.AppendLine("No finding can be tested on this sweep: it needs width or depth to take at least two values.");
        }
        else
        {
            sb.AppendLine("| Finding | Claim | Axis | Statistic | Held fixed | Expected | Trials | Spearman ρ | 95% CI | Effect (largest − smallest) [95% CI] | Verdict |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in rows)
                sb.AppendLine("| " + string.Join(" | ", new[]
                {
                    r.Finding, r.Claim, r.Axis, r.StatisticText, r.HeldFixed.Length > 0 ? r.HeldFixed : "-", r.ExpectedText,
                    r.Trials.ToString(CultureInfo.InvariantCulture), TrendRow.Number(r.Rho),
                    double.IsNaN(r.CiLow) ? "n/a" : $"[{TrendRow.Number(r.CiLow)}, {TrendRow.Number(r.CiHigh)}]",
                    r.EffectText,
                    $"**{r.VerdictText}**",
                }.Select(Cell)) + " |");
        }
        sb.AppendLine();
        if (rows.Count > 0)
        {
            sb.AppendLine(Method);
            sb.AppendLine();
        }

        sb.AppendLine("## Figures");
        sb.AppendLine();
        if (figures.Count == 0) sb.AppendLine("No figure applies to this sweep's axes.");
        foreach (var f in figures)
        {
            sb.AppendLine($"![{f.Caption.Replace("[", "(").Replace("]", ")")}]({f.File})");
            sb.AppendLine();
            sb.AppendLine($"*{f.Caption}* ([SVG]({ReportFigures.SvgFile(f.File)}))");
            sb.AppendLine();
        }

        if (notes.Count > 0)
        {
            sb.AppendLine("## Notes");
            sb.AppendLine();
            foreach (string n in notes) sb.AppendLine($"- {n}");
            sb.AppendLine();
        }
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }

    static readonly string Method =
        $"Each trial contributes one value of the statistic, taken at its last measurement. ρ is Spearman's rank " +
        $"correlation between the axis and that value over all trials of the slice; the interval is the 2.5–97.5 " +
        $"percentile of ρ over {TrendAnalysis.Resamples} bootstrap resamples that redraw seeds with replacement within " +
        $"each axis value (fixed RNG seed {TrendAnalysis.BootstrapSeed}). Verdict: the interval excludes 0 on the expected " +
        $"side → reproduced; on the other side → not reproduced; otherwise inconclusive. For \"none\" (no trend): " +
        $"the interval contains 0 and |ρ| ≤ {TrendAnalysis.FlatRho.ToString(CultureInfo.InvariantCulture)} → reproduced; " +
        $"the interval excludes 0 → not reproduced. A verdict other than inconclusive needs at least " +
        $"{TrendAnalysis.MinSeedsForVerdict} seeds at every axis value of the slice: with 2, a resample can only repeat or swap " +
        $"the two values, and the interval comes out far narrower than the seed noise. " +
        $"The effect is the statistic's mean at the largest axis value minus its mean at the smallest, in the statistic's " +
        $"units, with the 2.5–97.5 percentile over the same seed resampling: ρ says whether it moves, the effect how far. " +
        $"With few seeds and axis values the interval is coarse: read the verdicts together with the figures. " +
        $"η is an unnormalised inner product and grows with the gradient norms (which differ across widths and " +
        $"depths); the cosine statistics are scale-free, so where η and a cosine disagree, the cosine is the fairer comparison.";

    static string Raw(double v) => double.IsNaN(v) ? "" : v.ToString("0.####", CultureInfo.InvariantCulture);

    static string Csv(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;

    static string Cell(string value) => value.Replace("|", "\\|").Replace("\n", " ");
}
