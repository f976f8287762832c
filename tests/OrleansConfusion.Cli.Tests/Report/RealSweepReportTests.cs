using SkiaSharp;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// `report` on a sweep these tests really train (embedded silo, two widths × two seeds on sphere data):
/// the figures decode as images and the trend table parses.
/// </summary>
public sealed class RealSweepReportTests
{
    [Fact]
    public async Task Report_on_a_real_sweep_writes_decodable_figures_and_a_parsable_trend_table()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("tiny.yaml", Specs.TinyWith("seeds: [0]", "seeds: [0, 1]").Replace("epochs: 1", "epochs: 2", StringComparison.Ordinal));
        string output = temp.Combine("out");
        var run = new CliHarness();
        Assert.True(await run.InvokeAsync("run", spec, "--out", output) == ExitCodes.Ok, run.Stderr);

        string reportDir = temp.Combine("report");
        var report = new CliHarness();
        int code = await report.InvokeAsync("report", Path.Combine(output, "tiny"), "--out", reportDir);
        Assert.True(code == ExitCodes.Ok, $"exit {code}\n{report.Stderr}\n{report.Stdout}");

        var figures = Directory.GetFiles(reportDir, "*.png");
        Assert.NotEmpty(figures);
        foreach (string png in figures)
        {
            using var bitmap = SKBitmap.Decode(png);
            Assert.True(bitmap is { Width: > 0, Height: > 0 }, $"{png} does not decode as an image");
        }

        var (header, rows) = MarkdownTable.Parse(File.ReadAllText(Path.Combine(reportDir, "report.md")), "Finding");
        Assert.Contains("Verdict", header);
        Assert.Contains(rows, r => r[0] == "F1" && r[2] == "width");
        Assert.All(rows, r => Assert.Contains(r[^1].Trim('*'), new[] { "reproduced", "not reproduced", "inconclusive" }));
    }
}
