using OrleansConfusion.Cli.Results;

namespace OrleansConfusion.Cli.Tests;

public sealed class NaturalComparerTests
{
    [Fact]
    public void Labels_sort_by_the_numbers_in_them_decimals_and_exponents_included()
    {
        string[] labels = ["mlp w64 lr=0.2 s0", "mlp w16 lr=0.8 s0", "mlp w64 lr=0.05 s1", "mlp w64 lr=1e-3 s0", "mlp w256 lr=0.05 s0", "mlp w64 lr=0.05 s0"];
        Assert.Equal(
            ["mlp w16 lr=0.8 s0", "mlp w64 lr=1e-3 s0", "mlp w64 lr=0.05 s0", "mlp w64 lr=0.05 s1", "mlp w64 lr=0.2 s0", "mlp w256 lr=0.05 s0"],
            labels.Order(NaturalComparer.Instance));
    }
}
