using OrleansConfusion.Cli.Report;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>`report --best lr --by final_loss` (#24) on a synthetic sweep whose best learning rate per width is known.</summary>
public sealed class BestSelectionTests
{
    static readonly int[] Widths = [16, 64, 256];
    static readonly double[] Rates = [0.01, 0.1, 1];

    /// <summary>The planted best rate falls with width: 1 at width 16, 0.1 at 64, 0.01 at 256.</summary>
    static double BestRate(int width) => width switch { 16 => 1, 64 => 0.1, _ => 0.01 };

    static async Task<SyntheticSweep> SweepAsync()
    {
        var sweep = new SyntheticSweep("lr-width");
        foreach (int width in Widths)
            foreach (double lr in Rates)
                sweep.AddTrials(SyntheticSweep.Trial with { Width = width, Depth = 2, Lr = lr }, [0, 1, 2], 3, (t, epoch) => new Planted(
                    MinCosine: -0.9 + 0.08 * Math.Log2(t.Width) + 0.01 * epoch + SyntheticSweep.Noise(t.Seed, t.Width, 0.01),
                    Eta: 4.0 / Math.Sqrt(t.Width),
                    Loss: 0.5 + Math.Abs(Math.Log10(t.Lr) - Math.Log10(BestRate(t.Width))) + SyntheticSweep.Noise(t.Seed, (int)(t.Lr * 100), 0.01)));
        // At width 256 the largest rate looks best by the seeds that survived, but one diverged: it is no candidate.
        var best = sweep.Trials.FindAll(t => t.Width == 256 && t.Lr == 1);
        sweep.Trials.RemoveAll(best.Contains);
        sweep.Trials.AddRange(best.Select((t, i) => t with { FinalLoss = 0.01, Status = i == 0 ? "diverged" : t.Status }));
        await sweep.WriteAsync();
        return sweep;
    }

    [Fact]
    public async Task The_best_rate_per_width_is_kept_and_the_trends_run_on_what_was_kept()
    {
        using var sweep = await SweepAsync();

        var result = await SweepReport.GenerateAsync(sweep.Directory, sweep.ReportPath, ("lr", "final_loss", "min"), CancellationToken.None);

        // lr was selected, not sliced: the width trend pools each width's own best rate.
        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        Assert.NotEmpty(f1);
        Assert.All(f1, r => Assert.Equal("width", r.Axis));
        Assert.All(f1, r => Assert.Equal(3, r.AxisValues));
        Assert.All(f1, r => Assert.Equal(9, r.Trials));
        string markdown = File.ReadAllText(result.MarkdownPath);
        Assert.Contains("## Selection", markdown);
        Assert.Contains("declared in the command line (not declared in the sweep's spec)", markdown);
        var (header, rows) = MarkdownTable.Parse(markdown, "Cell");
        int kept = Array.IndexOf(header, "Kept lr");
        Assert.Equal(["1", "0.1", "0.01"], rows.Select(r => r[kept]));
        Assert.Equal(["width=16", "width=64", "width=256"], rows.Select(r => r[0]));
        // The diverged seed's rate is shown as no candidate, with why.
        Assert.Contains("— (1 of 3 did not complete)", rows[2][Array.IndexOf(header, "final_loss at lr=1")]);
    }

    [Fact]
    public async Task The_selection_the_spec_declared_is_used_and_said_so()
    {
        using var sweep = await SweepAsync();
        await new SweepOutput(sweep.Directory, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .WriteSpecAsync(new SweepSpec { Name = "lr-width", Report = new ReportSpec { Best = "lr", By = "final_loss" } });

        var result = await SweepReport.GenerateAsync(sweep.Directory, sweep.ReportPath, CancellationToken.None);

        string markdown = File.ReadAllText(result.MarkdownPath);
        Assert.Contains("declared in the sweep's spec (spec.json), declared before it ran", markdown);
        Assert.All(result.Trends.Where(r => r.Finding == "F1"), r => Assert.Equal(9, r.Trials));
    }

    [Fact]
    public async Task Without_a_selection_lr_is_a_slicing_axis_like_the_grids()
    {
        using var sweep = await SweepAsync();
        var result = await SweepReport.GenerateAsync(sweep.Directory, sweep.ReportPath, CancellationToken.None);
        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        // One width trend per learning rate, held fixed and named.
        Assert.Contains(f1, r => r.HeldFixed.Contains("lr=0.01"));
        Assert.Contains(f1, r => r.HeldFixed.Contains("lr=1"));
        Assert.DoesNotContain("## Selection", File.ReadAllText(result.MarkdownPath));
    }

    [Theory]
    [InlineData("--best", "lr", "--by", "final_los", "--by: 'final_los' is not a numeric column of trials/; did you mean 'final_loss'?")]
    [InlineData("--best", "lrr", "--by", "final_loss", "--best: 'lrr' is not an axis; did you mean 'lr'?")]
    [InlineData("--best", "lr", "--by", "final_loss:best", "the goal 'best' must be min or max")]
    [InlineData("--best", "lr", "--by", "status", "--by: 'status' is not a numeric column")]
    public async Task A_bad_selection_exits_2_naming_it_and_writes_nothing(string o1, string v1, string o2, string v2, string message)
    {
        using var sweep = await SweepAsync();
        var cli = new CliHarness();
        int code = await cli.InvokeAsync("report", sweep.Directory, "--out", sweep.ReportPath, o1, v1, o2, v2);
        Assert.True(code == ExitCodes.BadInput, $"exit {code}\n{cli.Stderr}");
        Assert.Contains(message, cli.Stderr);
        Assert.False(Directory.Exists(sweep.ReportPath));
    }

    [Fact]
    public async Task A_rate_derived_from_the_depth_follows_it_and_slices_nothing_of_its_own()
    {
        var sweep = new SyntheticSweep("lr-depth");
        using var _ = sweep;
        foreach (int depth in new[] { 2, 8, 32 })
            sweep.AddTrials(SyntheticSweep.Trial with { Width = 32, Depth = depth, Lr = 0.4 / depth }, [0, 1, 2], 3, (t, epoch) => new Planted(
                MinCosine: -0.2 - 0.01 * t.Depth + SyntheticSweep.Noise(t.Seed, t.Depth, 0.01), Eta: 0.1 * t.Depth, Loss: 1 + 0.01 * t.Depth));
        await sweep.WriteAsync();

        var result = await SweepReport.GenerateAsync(sweep.Directory, sweep.ReportPath, CancellationToken.None);

        Assert.Contains(result.Notes, n => n.StartsWith("lr follows depth (one lr per depth: 0.0125, 0.05, 0.2)", StringComparison.Ordinal));
        var f2 = result.Trends.Where(r => r.Finding == "F2").ToList();
        Assert.NotEmpty(f2);
        Assert.All(f2, r => Assert.Equal(3, r.AxisValues));
    }
}
