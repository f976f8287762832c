using OrleansConfusion.Cli.Spec;

namespace OrleansConfusion.Cli.Tests;

/// <summary>The spec forms of search spaces (#24), read from YAML into axes the planner expands.</summary>
public sealed class SearchSpaceSpecTests
{
    [Fact]
    public void Lists_distributions_and_derived_values_read_into_axes_and_plan()
    {
        using var temp = new TempDirectory();
        string spec = temp.Write("space.yaml", Specs.Tiny
            .Replace("init: he_normal", "init: gaussian\n  init_scale: {value: 1, times: {width: -0.5}}")
            .Replace("lr: 0.1", "lr: [0.01, 0.1]\n  momentum: {uniform: [0, 0.5]}")
            .Replace("seeds: [0]", "seeds: [0]\nsamples: 3\nsample_seed: 5\nreport: {best: lr, by: final_loss}"));

        var loaded = new SweepSpecLoader(new CoordinatorSpecPlanner()).Load(spec);

        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var s = loaded.Spec!;
        Assert.Equal(["init_scale", "lr", "momentum"], s.Axes.Select(a => a.Field).Order());
        Assert.Equal([0.01, 0.1], s.Axes.Single(a => a.Field == "lr").Values);
        Assert.Equal(("uniform", 0.0, 0.5), (s.Axes.Single(a => a.Field == "momentum").Sampled!.Distribution, s.Axes.Single(a => a.Field == "momentum").Sampled!.Low, s.Axes.Single(a => a.Field == "momentum").Sampled!.High));
        var derived = s.Axes.Single(a => a.Field == "init_scale").Derived!;
        Assert.Equal(["width"], derived.Axes);
        Assert.Equal([-0.5], derived.Exponents);
        Assert.Equal((3, 5L, "lr", "final_loss", "min"), (s.Samples, s.SampleSeed, s.Report!.Best, s.Report.By, s.Report.Goal));
        // 2 widths × 2 learning rates × 3 sampled momenta × 1 seed.
        Assert.Equal(12, loaded.Trials);

        var plan = SweepPlanner.Plan(s);
        Assert.All(plan.Trials, t => Assert.Equal(1 / Math.Sqrt(t.Model.Width), t.Model.InitScale, 12));
    }
}
