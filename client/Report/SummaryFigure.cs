using System.Globalization;
using System.Text;
using ScottPlot;
using SkiaSharp;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// One page with a panel per finding F1–F4, each the paper's headline plot for it: the final minimum
/// cosine (η where no cosine was measured) against width (F1) or depth (F2–F4), mean ± 1 std over seeds.
/// A finding the sweep's axes cannot test gets a panel that says what it needs, so the page always has
/// the same four places. ScottPlot's Multiplot saves PNG only, so the panels are drawn one by one and
/// composed here: with SkiaSharp for the PNG and as nested SVG documents for the SVG.
/// </summary>
internal static class SummaryFigure
{
    public const string File = "summary-f1-f4.png";
    public const int PanelWidth = 900;
    public const int PanelHeight = 600;
    public const int Width = 2 * PanelWidth;
    public const int Height = 2 * PanelHeight;

    const int MaxLines = 4;
    const string Orthogonal = "orthogonal";

    public static ReportFigure Draw(SweepData data, string outputDirectory)
    {
        var statistic = data.MinCosineColumn is not null ? TrendStatistic.FinalMinCosine : TrendStatistic.FinalEta;
        string yLabel = statistic == TrendStatistic.FinalMinCosine ? ReportFigures.MinCosineLabelFor(data) : "η (per-sample)";
        var varying = data.VaryingAxes;
        var trials = data.Trials;

        IReadOnlyList<Slice> Along(string axis) => varying.Contains(axis) ? Slice.Along(trials, axis, varying) : [];
        var width = Along(SweepAxes.Width).Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal).ToList();
        var depth = Along(SweepAxes.Depth);
        var standard = depth.Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal && s.FixedValue(SweepAxes.Activation) != "identity"
                                        && TrendAnalysis.Combination(s) != "bn + skip").ToList();
        var linear = depth.Where(s => s.FixedValue(SweepAxes.Activation) == "identity")
            .OrderBy(s => s.FixedValue(SweepAxes.Init) == Orthogonal ? 0 : 1).ToList();
        var bnSkip = varying.Contains(SweepAxes.BatchNorm) && varying.Contains(SweepAxes.Skip)
            ? depth.Where(s => s.FixedValue(SweepAxes.Init) != Orthogonal).OrderBy(s => (s.FixedValue(SweepAxes.BatchNorm), s.FixedValue(SweepAxes.Skip))).ToList()
            : [];

        Plot[] panels =
        [
            Panel("F1 width: wider, less confusion", width, SweepAxes.Width, statistic, yLabel, Held, "a width axis with at least two values"),
            Panel("F2 depth: deeper, more confusion", standard, SweepAxes.Depth, statistic, yLabel, Held, "a depth axis (non-linear, not bn + skip)"),
            Panel("F3 deep linear: orthogonal init depth-independent", linear, SweepAxes.Depth, statistic, yLabel,
                s => s.FixedValue(SweepAxes.Init), "identity activation across depths"),
            Panel("F4 batch norm × skip: both keep confusion low", bnSkip, SweepAxes.Depth, statistic, yLabel,
                TrendAnalysis.Combination, "depth crossed with batch_norm and skip"),
        ];

        string png = Path.Combine(outputDirectory, File);
        WritePng(panels, png);
        System.IO.File.WriteAllText(ReportFigures.SvgFile(png), Svg(panels), new UTF8Encoding(false));
        return new ReportFigure(File, $"Summary of F1–F4 ({statistic switch
        {
            TrendStatistic.FinalMinCosine => "final min cosine",
            _ => "final η",
        }} per panel, mean ± 1 std over seeds)");
    }

    static string Held(Slice s) => s.HeldFixed.Length > 0 ? s.HeldFixed : "all trials";

    static Plot Panel(string title, IReadOnlyList<Slice> slices, string axis, TrendStatistic statistic, string yLabel, Func<Slice, string> label, string needs)
    {
        var plot = new Plot();
        var categories = slices.Count == 0 ? null : ReportFigures.AddLines(plot, slices.Take(MaxLines).ToList(), axis, statistic, label);
        if (categories is null)
        {
            plot.Title(title, ReportFigures.TitleSize);
            var note = plot.Add.Annotation($"not tested by this sweep: it needs {needs}", Alignment.MiddleCenter);
            note.LabelFontSize = 14;
            plot.HideGrid();
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
            return plot;
        }
        string more = slices.Count > MaxLines ? $"; first {MaxLines} of {slices.Count} settings" : "";
        plot.Title($"{title}\nmean ± 1 std over seeds{more}", ReportFigures.TitleSize);
        plot.XLabel(axis, 13);
        plot.YLabel(yLabel, 12);
        plot.ShowLegend(Edge.Bottom);
        plot.Axes.SetLimitsX(-0.5, categories.Count - 0.5);
        return plot;
    }

    static void WritePng(IReadOnlyList<Plot> panels, string path)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height));
        surface.Canvas.Clear(SKColors.White);
        for (int i = 0; i < panels.Count; i++)
        {
            using var panel = SKBitmap.Decode(panels[i].GetImageBytes(PanelWidth, PanelHeight, ImageFormat.Png));
            surface.Canvas.DrawBitmap(panel, i % 2 * PanelWidth, i / 2 * PanelHeight);
        }
        using var image = surface.Snapshot();
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        using var file = System.IO.File.Create(path);
        encoded.SaveTo(file);
    }

    /// <summary>
    /// The four panels' SVG documents nested in one. Each panel's ids (clip paths) get a prefix, since ids are
    /// document-wide and every panel's renderer numbers its own from the same start.
    /// </summary>
    static string Svg(IReadOnlyList<Plot> panels)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">");
        for (int i = 0; i < panels.Count; i++)
        {
            string inner = panels[i].GetSvgXml(PanelWidth, PanelHeight);
            int start = inner.IndexOf("<svg", StringComparison.Ordinal);
            if (start > 0) inner = inner[start..];
            string prefix = $"p{i}-";
            inner = inner.Replace("id=\"", $"id=\"{prefix}", StringComparison.Ordinal)
                .Replace("url(#", $"url(#{prefix}", StringComparison.Ordinal)
                .Replace("href=\"#", $"href=\"#{prefix}", StringComparison.Ordinal);
            sb.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({i % 2 * PanelWidth},{i / 2 * PanelHeight})\">").Append(inner).Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
