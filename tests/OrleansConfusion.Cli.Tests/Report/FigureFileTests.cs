using System.Globalization;
using System.Xml.Linq;
using OrleansConfusion.Cli.Report;
using SkiaSharp;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// Every figure comes as PNG and SVG, and no text of either runs off the figure: the title's second line
/// used to be clipped on the left ("ll other axes fixed" in cosine-density-by-width.png).
/// </summary>
public sealed class FigureFileTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> SweepNames => ["planted-width", "bn-skip", "linear-init"];

    static Task<SyntheticSweep> SweepAsync(string name) => name switch
    {
        "planted-width" => Sweeps.PlantedWidthAsync(),
        "bn-skip" => Sweeps.BatchNormSkipAsync(),
        _ => Sweeps.LinearInitAsync(),
    };

    [Theory]
    [MemberData(nameof(SweepNames))]
    public async Task Each_png_has_a_valid_svg_beside_it_and_no_text_leaves_the_figure(string name)
    {
        using var sweep = await SweepAsync(name);

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.NotEmpty(result.Figures);
        Assert.Equal(result.Figures.Count, Directory.GetFiles(sweep.ReportPath, "*.svg").Length);
        string markdown = File.ReadAllText(result.MarkdownPath);
        foreach (string png in result.Figures.Where(f => Path.GetFileName(f) != SummaryFigure.File))
        {
            Assert.Equal((ReportFigures.Width, ReportFigures.Height), PngHeader.Read(png));
            AssertTitleBandClear(png);

            string svg = Path.ChangeExtension(png, ".svg");
            Assert.True(File.Exists(svg), $"no SVG beside {png}");
            Assert.Contains($"([SVG]({Path.GetFileName(svg)}))", markdown);
            var root = XDocument.Load(svg).Root!;
            Assert.Equal(Svg + "svg", root.Name);
            Assert.Equal(ReportFigures.Width.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("width"));
            Assert.Equal(ReportFigures.Height.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("height"));
            var texts = root.Descendants(Svg + "text").ToList();
            Assert.NotEmpty(texts);
            foreach (var text in texts) AssertInside(svg, text);
        }
    }

    [Theory]
    [InlineData("planted-width", 3)]
    [InlineData("bn-skip", 2)]
    public async Task The_summary_page_has_four_panels_and_says_which_findings_the_sweep_cannot_test(string name, int untested)
    {
        using var sweep = await SweepAsync(name);

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        string png = Assert.Single(result.Figures, f => Path.GetFileName(f) == SummaryFigure.File);
        Assert.Equal((SummaryFigure.Width, SummaryFigure.Height), PngHeader.Read(png));
        string svg = Path.ChangeExtension(png, ".svg");
        Assert.Contains($"([SVG]({Path.GetFileName(svg)}))", File.ReadAllText(result.MarkdownPath));
        var root = XDocument.Load(svg).Root!;
        Assert.Equal(SummaryFigure.Width.ToString(CultureInfo.InvariantCulture), (string?)root.Attribute("width"));
        Assert.Equal(4, root.Elements(Svg + "g").Count(g => g.Elements(Svg + "svg").Any()));
        // Every panel's ids stay unique once nested in one document.
        var ids = root.Descendants().Select(e => (string?)e.Attribute("id")).OfType<string>().ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        string text = string.Concat(root.Descendants(Svg + "text").Select(t => t.Value));
        foreach (string finding in new[] { "F1", "F2", "F3", "F4" }) Assert.Contains(finding, text);
        Assert.Equal(untested, CountOf(text, "not tested by this sweep"));
    }

    static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    /// <summary>Above the data area only the title is drawn: its left- and rightmost pixel columns must stay background.</summary>
    static void AssertTitleBandClear(string png)
    {
        using var bitmap = SKBitmap.Decode(png);
        var background = bitmap.GetPixel(0, bitmap.Height - 1);
        for (int y = 0; y < 40; y++)
            foreach (int x in new[] { 0, 1, 2, bitmap.Width - 3, bitmap.Width - 2, bitmap.Width - 1 })
                Assert.True(bitmap.GetPixel(x, y) == background, $"{Path.GetFileName(png)}: title drawn at the edge, pixel ({x}, {y})");
    }

    /// <summary>
    /// Skia's SVG places each glyph: transform="translate(tx ty)" plus x="x0, x1, …". Every glyph must start
    /// inside the figure, and the last one leave room for itself (a glyph is at most the font size wide).
    /// </summary>
    static void AssertInside(string svg, XElement text)
    {
        string transform = (string?)text.Attribute("transform") ?? "";
        if (!transform.StartsWith("translate(", StringComparison.Ordinal)) return; // rotated (the y label): checked by the PNG
        double tx = double.Parse(transform["translate(".Length..].Split(' ', ')')[0], CultureInfo.InvariantCulture);
        var xs = ((string?)text.Attribute("x") ?? "0").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        double size = double.Parse((string?)text.Attribute("font-size") ?? "12", CultureInfo.InvariantCulture);
        string content = text.Value.Trim();
        Assert.True(tx + xs.Min() >= 0, $"{Path.GetFileName(svg)}: '{content}' starts at x = {tx + xs.Min():0.0}");
        Assert.True(tx + xs.Max() + size <= ReportFigures.Width, $"{Path.GetFileName(svg)}: '{content}' ends past x = {ReportFigures.Width}");
    }

    [Fact]
    public async Task A_title_too_wide_for_the_figure_is_wrapped_and_keeps_every_word()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();
        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);
        string svg = Path.ChangeExtension(result.Figures.Single(f => f.EndsWith("cosine-density-by-width.png", StringComparison.Ordinal)), ".svg");

        // The title's lines are the texts drawn at the title's anchor, the first text's position of the title.
        var texts = XDocument.Load(svg).Root!.Descendants(Svg + "text").Select(t => (Anchor: (string?)t.Attribute("transform"), Text: t.Value.Trim())).ToList();
        string anchor = texts.Single(t => t.Text.StartsWith("Pairwise cosine density", StringComparison.Ordinal)).Anchor!;
        var lines = texts.Where(t => t.Anchor == anchor).Select(t => t.Text).ToList();

        Assert.True(lines.Count >= 3, string.Join(" / ", lines)); // the subtitle did not fit on one line
        Assert.Equal("Pairwise cosine density at the end of training, by width " +
                     "all other axes fixed; paper protocol histogram at the last measurement, mean density over seeds", string.Join(' ', lines));
    }

    [Fact]
    public void Fitted_lines_are_no_wider_than_asked_and_lose_no_word()
    {
        var style = new ScottPlot.LabelStyle { FontSize = 14, Bold = true };
        string line = "depth=8, batch_norm=true, skip=false, init=he_normal, activation=relu; mean ± 1 std over 3 seeds; one more long clause without any commas in it at all";

        var lines = ReportFigures.FitLines(style, [line], 14, 300);

        Assert.True(lines.Count > 2);
        using var paint = ScottPlot.Paint.NewDisposablePaint();
        foreach (string l in lines)
        {
            var probe = new ScottPlot.LabelStyle { FontSize = 14, Bold = true, Text = l };
            Assert.True(probe.Measure(paint).Width <= 300, $"'{l}' is {probe.Measure(paint).Width} px wide");
        }
        Assert.Equal(line.Split(' '), string.Join(' ', lines).Split(' '));
    }
}
