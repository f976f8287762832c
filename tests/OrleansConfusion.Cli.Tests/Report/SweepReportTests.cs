using OrleansConfusion.Cli.Report;

namespace OrleansConfusion.Cli.Tests.Report;

public sealed class SweepReportTests
{
    [Fact]
    public async Task Planted_width_effect_reproduces_F1_and_writes_decodable_figures()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.Equal(sweep.ReportPath, result.OutputDirectory);
        string[] expected =
        [
            "min-cosine-vs-epoch-by-width.png", "train-loss-vs-epoch-by-width.png",
            "cosine-density-by-width.png", "eta-vs-width.png", SummaryFigure.File,
        ];
        Assert.Equal(expected.Order(), result.Figures.Select(Path.GetFileName).Order());
        foreach (string figure in result.Figures)
            Assert.Equal(Path.GetFileName(figure) == SummaryFigure.File ? (SummaryFigure.Width, SummaryFigure.Height) : (ReportFigures.Width, ReportFigures.Height),
                PngHeader.Read(figure));

        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        Assert.Equal(4, f1.Count); // paper min cosine, η, per-sample min cosine, train loss
        Assert.All(f1, r => Assert.Equal(TrendVerdict.Reproduced, r.Verdict));
        Assert.True(f1.Single(r => r.Statistic == TrendStatistic.FinalMinCosine).Rho > 0.9);
        Assert.True(f1.Single(r => r.Statistic == TrendStatistic.FinalEta).Rho < -0.9);
        Assert.DoesNotContain(result.Trends, r => r.Finding is "F2" or "F3" or "F4");

        string markdown = File.ReadAllText(result.MarkdownPath);
        var (header, rows) = MarkdownTable.Parse(markdown, "Finding");
        Assert.Equal(result.Trends.Count, rows.Count);
        int verdict = Array.IndexOf(header, "Verdict");
        Assert.All(rows.Where(r => r[0] == "F1"), r => Assert.Equal("**reproduced**", r[verdict]));
        foreach (string figure in expected) Assert.Contains($"]({figure})", markdown);

        var csv = CsvTable.Parse(result.CsvPath);
        Assert.Equal(ReportWriterHeader, csv[0]);
        Assert.Equal(result.Trends.Count, csv.Count - 1);
        Assert.All(csv.Skip(1), r => Assert.Equal(csv[0].Length, r.Length));
        Assert.All(csv.Skip(1).Where(r => r[0] == "F1"), r => Assert.Equal("reproduced", r[^1]));
        // The planted min cosine rises by 0.08 per doubling of width: the effect, widest minus narrowest, is
        // positive and its interval excludes 0; η falls with width, so its effect is negative.
        int effect = Array.IndexOf(csv[0], "effect"), effectLow = Array.IndexOf(csv[0], "effect_ci_low"), effectHigh = Array.IndexOf(csv[0], "effect_ci_high");
        var minCosine = Assert.Single(csv.Skip(1), r => r[0] == "F1" && r[3] == "final min cosine");
        Assert.True(Number(minCosine[effect]) > 0 && Number(minCosine[effectLow]) > 0, string.Join(",", minCosine));
        var eta = Assert.Single(csv.Skip(1), r => r[0] == "F1" && r[3] == "final η");
        Assert.True(Number(eta[effect]) < 0 && Number(eta[effectHigh]) < 0, string.Join(",", eta));
    }

    static double Number(string text) => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    static readonly string[] ReportWriterHeader =
        ["finding", "claim", "axis", "statistic", "held_fixed", "expected", "trials", "axis_values", "min_seeds", "spearman_rho", "ci_low", "ci_high", "effect", "effect_ci_low", "effect_ci_high", "verdict"];

    [Fact]
    public async Task Two_seeds_are_inconclusive_even_for_a_planted_trend_and_the_report_says_why()
    {
        using var sweep = await Sweeps.PlantedWidthAsync(seeds: [0, 1]);

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        Assert.Equal(4, f1.Count);
        Assert.All(f1, r =>
        {
            Assert.Equal(2, r.MinSeeds);
            Assert.Equal(TrendVerdict.Inconclusive, r.Verdict);
            // The planted trend is there and its interval excludes 0; only the seed count withholds the verdict.
            Assert.False(r.CiLow <= 0 && r.CiHigh >= 0, $"{r.StatisticText}: [{r.CiLow}, {r.CiHigh}]");
        });
        string note = Assert.Single(result.Notes, n => n.Contains("fewer than 3 seeds", StringComparison.Ordinal));
        Assert.Contains("4 of 4 trend row(s) are inconclusive", note);
        Assert.Contains("(fewest here: 2)", note);

        string markdown = File.ReadAllText(result.MarkdownPath);
        Assert.Contains("needs at least 3 seeds at every axis value", markdown);
        Assert.Contains(note, markdown);
        var (header, rows) = MarkdownTable.Parse(markdown, "Finding");
        int verdict = Array.IndexOf(header, "Verdict");
        Assert.All(rows, r => Assert.Equal("**inconclusive**", r[verdict]));
        Assert.All(CsvTable.Parse(result.CsvPath).Skip(1), r => Assert.Equal(("2", "inconclusive"), (r[8], r[^1])));
    }

    [Fact]
    public async Task Three_seeds_give_a_verdict_and_no_seed_note()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.All(result.Trends, r => Assert.Equal(3, r.MinSeeds));
        Assert.DoesNotContain(result.Notes, n => n.Contains("seeds", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pure_noise_is_inconclusive()
    {
        using var sweep = await Sweeps.PureNoiseAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        var f1 = result.Trends.Where(r => r.Finding == "F1").ToList();
        Assert.Equal(4, f1.Count);
        Assert.All(f1, r =>
        {
            Assert.Equal(TrendVerdict.Inconclusive, r.Verdict);
            Assert.InRange(0, r.CiLow, r.CiHigh);
        });
    }

    [Fact]
    public async Task Batch_norm_and_skip_grid_tests_F2_and_F4()
    {
        using var sweep = await Sweeps.BatchNormSkipAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        var names = result.Figures.Select(Path.GetFileName).ToList();
        Assert.Contains("bn-skip-eta-vs-depth.png", names);
        Assert.Contains("bn-skip-min-cosine-vs-depth.png", names);
        Assert.Contains("eta-vs-depth.png", names);
        Assert.Contains("min-cosine-vs-epoch-by-depth-4.png", names);
        Assert.DoesNotContain(names, n => n!.Contains("width"));
        foreach (string figure in result.Figures) PngHeader.Read(figure);

        var f4 = result.Trends.Where(r => r.Finding == "F4").ToList();
        var both = f4.Where(r => r.Claim.StartsWith("bn + skip", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, both.Count);
        Assert.All(both, r => Assert.Equal((TrendExpectation.Flat, TrendVerdict.Reproduced), (r.Expected, r.Verdict)));
        var plainEta = f4.Single(r => r.Claim == "contrast: plain" && r.Statistic == TrendStatistic.FinalEta);
        Assert.Equal(TrendVerdict.Reproduced, plainEta.Verdict);
        Assert.Equal("bn off, skip off", plainEta.HeldFixed);

        // Each alone helps, at the deepest depth: on = lower η.
        var alone = f4.Where(r => r.Claim.EndsWith("(deepest)", StringComparison.Ordinal) && r.Statistic == TrendStatistic.FinalEta).ToList();
        Assert.Equal(4, alone.Count); // bn with skip off / on, skip with bn off / on
        Assert.All(alone, r => Assert.Contains("depth=8", r.HeldFixed));
        Assert.All(alone, r => Assert.Equal((TrendExpectation.Decreasing, TrendVerdict.Reproduced), (r.Expected, r.Verdict)));

        var f2 = result.Trends.Where(r => r.Finding == "F2").ToList();
        Assert.Equal(3 * 4, f2.Count); // plain, bn only, skip only × min cosine, η, per-sample min cosine, loss
        Assert.DoesNotContain(f2, r => r.HeldFixed == "bn on, skip on");
        Assert.All(f2, r => Assert.Equal(TrendVerdict.Reproduced, r.Verdict));
    }

    [Fact]
    public async Task Steps_to_target_loss_tests_F2_and_counts_a_target_never_reached_as_slowest()
    {
        // depth {2, 4, 8, 16} x 3 seeds; the target is reached later with depth, and never at depth 16
        // (steps_to_target_loss null, 128 steps trained), which must rank as slower than any that reached it.
        using var sweep = new SyntheticSweep("steps-to-target");
        foreach (int depth in new[] { 2, 4, 8, 16 })
            sweep.AddTrials(SyntheticSweep.Trial with { Width = 32, Depth = depth, TrainedSteps = 128, StepsToTargetLoss = depth == 16 ? null : 8L * depth },
                [0, 1, 2], 3, (t, epoch) => new Planted(
                    MinCosine: -0.3 + SyntheticSweep.Noise(t.Seed, t.Depth, 0.1),
                    Eta: 0.2 + SyntheticSweep.Noise(t.Seed, t.Depth + 1, 0.1),
                    Loss: 1 + SyntheticSweep.Noise(t.Seed, t.Depth + 2, 0.1)));
        await sweep.WriteAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        var row = Assert.Single(result.Trends, r => r.Statistic == TrendStatistic.StepsToTargetLoss);
        Assert.Equal("F2", row.Finding);
        Assert.Equal(12, row.Trials);
        Assert.Equal(TrendVerdict.Reproduced, row.Verdict);
        Assert.Equal(1.0, row.Rho, 6);
        // Mean at depth 16 (never reached: 128 + 1) minus at depth 2 (16 steps).
        Assert.Equal(129 - 16, row.Effect, 6);
        var (header, rows) = MarkdownTable.Parse(File.ReadAllText(result.MarkdownPath), "Finding");
        Assert.Contains(rows, r => r[Array.IndexOf(header, "Statistic")] == "steps to target loss (not reached: trained + 1)");
    }

    [Fact]
    public async Task A_sweep_without_a_target_loss_has_no_steps_to_target_row()
    {
        using var sweep = await Sweeps.PlantedWidthAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.DoesNotContain(result.Trends, r => r.Statistic == TrendStatistic.StepsToTargetLoss);
    }

    [Fact]
    public async Task Orthogonal_deep_linear_network_is_compared_with_gaussian()
    {
        using var sweep = await Sweeps.LinearInitAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        var names = result.Figures.Select(Path.GetFileName).ToList();
        Assert.Contains("linear-init-eta-vs-depth.png", names);
        Assert.Contains("linear-init-min-cosine-vs-depth.png", names);
        var f3 = result.Trends.Where(r => r.Finding == "F3").ToList();
        var orthogonalEta = f3.Single(r => r.HeldFixed == "init=orthogonal" && r.Statistic == TrendStatistic.FinalEta);
        Assert.Equal((TrendExpectation.Flat, TrendVerdict.Reproduced), (orthogonalEta.Expected, orthogonalEta.Verdict));
        var gaussianEta = f3.Single(r => r.HeldFixed == "init=gaussian" && r.Statistic == TrendStatistic.FinalEta);
        Assert.Equal((TrendExpectation.Increasing, TrendVerdict.Reproduced), (gaussianEta.Expected, gaussianEta.Verdict));
        Assert.DoesNotContain(result.Trends, r => r.Finding == "F2" && r.HeldFixed == "init=orthogonal");
    }

    [Fact]
    public async Task Rerunning_replaces_the_previous_report()
    {
        using var sweep = await Sweeps.PureNoiseAsync();
        SweepReport.Generate(sweep.Directory, sweep.ReportPath);
        File.WriteAllText(Path.Combine(sweep.ReportPath, "stale.png"), "old");

        SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.False(File.Exists(Path.Combine(sweep.ReportPath, "stale.png")));
        Assert.True(File.Exists(Path.Combine(sweep.ReportPath, "report.md")));
        Assert.Empty(Directory.EnumerateDirectories(sweep.Directory, ".report.tmp-*"));
    }

    [Fact]
    public async Task Trials_that_did_not_complete_are_left_out_and_named()
    {
        using var sweep = new SyntheticSweep("mixed-status");
        foreach (int width in Sweeps.Widths)
            sweep.AddTrials(SyntheticSweep.Trial with { Width = width, Depth = 1 }, [0, 1], 2, (t, _) => new Planted(-1.0 / t.Width, 1.0 / t.Width, 1));
        sweep.AddTrials(SyntheticSweep.Trial with { Width = 512, Depth = 1, Status = "diverged" }, [0], 2, (_, _) => new Planted(-1, 1e9, double.NaN));
        sweep.AddTrials(SyntheticSweep.Trial with { Width = 1024, Depth = 1, Status = "failed", Error = "boom" }, [0], 1, (_, _) => new Planted(-1, 1, 1));
        await sweep.WriteAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.Contains(result.Notes, n => n.Contains("1 diverged") && n.Contains("1 failed"));
        Assert.All(result.Trends, r => Assert.Equal(6, r.Trials));
        Assert.Contains("1 diverged", File.ReadAllText(result.MarkdownPath));
    }

    [Fact]
    public async Task Sweep_without_varying_axes_gets_a_report_without_figures_or_trends()
    {
        using var sweep = new SyntheticSweep("single");
        sweep.AddTrials(SyntheticSweep.Trial with { Width = 16, Depth = 1 }, [0, 1, 2], 2, (_, _) => new Planted(-0.5, 1, 1));
        await sweep.WriteAsync();

        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);

        Assert.Empty(result.Figures);
        Assert.Empty(result.Trends);
        string markdown = File.ReadAllText(result.MarkdownPath);
        Assert.Contains("No finding can be tested", markdown);
        Assert.Contains("No figure applies", markdown);
        Assert.Single(CsvTable.Parse(result.CsvPath));
    }
}
