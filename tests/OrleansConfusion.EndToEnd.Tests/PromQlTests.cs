using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>The name extractor the dashboard test relies on.</summary>
[Trait("Category", "EndToEnd")]
public sealed class PromQlTests
{
    [Theory]
    [InlineData("histogram_quantile(0.5, sum by (le, kind) (rate(a_seconds_bucket{sweep=~\"$sweep\"}[$__rate_interval])))", "a_seconds_bucket")]
    [InlineData("min by (width) (b_min_cosine{sweep=~\"$sweep\"}) / on(instance) group_left c_total", "b_min_cosine c_total")]
    [InlineData("max(d) > bool 0.5", "d")]
    public void Finds_metric_names_only(string expr, string names) =>
        Assert.Equal(names.Split(' ').Order(), PromQl.MetricNames(expr).Order());
}
