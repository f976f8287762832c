using OrleansConfusion.Cli.Report;

namespace OrleansConfusion.Cli.Tests.Report;

public sealed class RankStatisticsTests
{
    [Fact]
    public void Ties_share_their_mean_rank()
    {
        Assert.Equal([1, 2.5, 2.5, 4], RankStatistics.Ranks([1, 5, 5, 9]));
    }

    [Fact]
    public void Spearman_is_one_for_any_increasing_relation_and_nan_for_a_constant()
    {
        Assert.Equal(1, RankStatistics.Spearman([1, 2, 3, 4], [1, 10, 100, 1000]), 12);
        Assert.Equal(-1, RankStatistics.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 12);
        Assert.True(double.IsNaN(RankStatistics.Spearman([1, 2, 3], [7, 7, 7])));
    }

    [Fact]
    public void Spearman_matches_a_hand_computed_value_with_ties()
    {
        // Ranks x: 1.5 1.5 3 4; y: 1 3 2 4 → Pearson of ranks = 0.6324555 (= 2 / sqrt(10)).
        Assert.Equal(2 / Math.Sqrt(10), RankStatistics.Spearman([1, 1, 2, 3], [10, 30, 20, 40]), 12);
    }

    [Fact]
    public void Bootstrap_is_reproducible_and_brackets_the_estimate()
    {
        (double, IReadOnlyList<double>)[] groups = [(1, [0.1, 0.3, 0.2]), (2, [0.4, 0.2, 0.5]), (3, [0.6, 0.7, 0.4])];
        var a = RankStatistics.SpearmanBootstrap(groups, 1000, 7);
        var b = RankStatistics.SpearmanBootstrap(groups, 1000, 7);
        Assert.Equal(a, b);
        Assert.InRange(a.Rho, a.Low, a.High);
        Assert.Equal(1000, a.ValidResamples);
    }

    [Theory]
    [InlineData(TrendExpectation.Increasing, 0.8, 0.2, 0.95, TrendVerdict.Reproduced)]
    [InlineData(TrendExpectation.Increasing, -0.8, -0.95, -0.2, TrendVerdict.NotReproduced)]
    [InlineData(TrendExpectation.Increasing, 0.5, -0.1, 0.9, TrendVerdict.Inconclusive)]
    [InlineData(TrendExpectation.Decreasing, -0.8, -0.95, -0.2, TrendVerdict.Reproduced)]
    [InlineData(TrendExpectation.Decreasing, 0.8, 0.2, 0.95, TrendVerdict.NotReproduced)]
    [InlineData(TrendExpectation.Flat, 0.1, -0.4, 0.5, TrendVerdict.Reproduced)]
    [InlineData(TrendExpectation.Flat, 0.5, -0.1, 0.8, TrendVerdict.Inconclusive)]
    [InlineData(TrendExpectation.Flat, 0.6, 0.2, 0.9, TrendVerdict.NotReproduced)]
    public void Verdict_follows_the_interval(TrendExpectation expected, double rho, double low, double high, TrendVerdict verdict)
    {
        Assert.Equal(verdict, TrendAnalysis.Decide(expected, new BootstrapResult(rho, low, high, 1000), axisValues: 3, minSeeds: 3));
    }

    [Theory]
    [InlineData(1, TrendVerdict.Inconclusive)]
    [InlineData(2, TrendVerdict.Inconclusive)]
    [InlineData(3, TrendVerdict.Reproduced)]
    [InlineData(10, TrendVerdict.Reproduced)]
    public void A_verdict_needs_three_seeds_per_axis_value(int minSeeds, TrendVerdict verdict)
    {
        // quick.yaml's F1 row with its 2 seeds: ρ 0.60, [0.49, 1.00].
        Assert.Equal(verdict, TrendAnalysis.Decide(TrendExpectation.Increasing, new BootstrapResult(0.60, 0.49, 1.00, 1000), 3, minSeeds));
    }

    [Fact]
    public void Effect_is_the_difference_of_the_extreme_axis_values_means_with_a_bracketing_interval()
    {
        IReadOnlyList<(double Axis, IReadOnlyList<double> Values)> groups =
        [
            (64, [0.9, 1.0, 1.1]),
            (16, [0.1, 0.2, 0.3]),
            (32, [5.0, 5.0, 5.0]),
        ];

        var effect = RankStatistics.ExtremeDifferenceBootstrap(groups, 1000, 7);

        // The middle axis value takes no part: mean at 64 minus mean at 16.
        Assert.Equal(0.8, effect.Difference, 12);
        Assert.InRange(effect.Low, 0.6 - 1e-12, effect.Difference);
        Assert.InRange(effect.High, effect.Difference, 1.0 + 1e-12);
        Assert.Equal(effect, RankStatistics.ExtremeDifferenceBootstrap(groups, 1000, 7));
    }

    [Fact]
    public void Effect_is_undefined_for_one_axis_value()
    {
        var effect = RankStatistics.ExtremeDifferenceBootstrap([(8, [1.0, 2.0])], 100, 1);
        Assert.True(double.IsNaN(effect.Difference) && double.IsNaN(effect.Low) && double.IsNaN(effect.High));
    }
}
