using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

public sealed class SweepPlannerTests
{
    static SweepSpec Spec(GridSpec? grid = null, long[]? seeds = null, string name = "plan-test") => new()
    {
        Name = name,
        Grid = grid ?? new GridSpec { Architectures = ["mlp"], Widths = [16, 32, 64], Depths = [1, 2], Inits = ["he_normal", "glorot_normal"] },
        Seeds = seeds ?? [0, 1],
    };

    [Fact]
    public void A_grid_points_seeds_are_one_fuse_group_for_mlps_and_none_when_fusion_is_off()
    {
        var grid = new GridSpec { Architectures = ["mlp", "cnn"], Widths = [16], Depths = [2] };
        var images = new DatasetSpec { Name = "fashion-mnist" };
        var plan = SweepPlanner.Plan(Spec(grid, seeds: [0, 1, 2]) with { Dataset = images });
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Empty(plan.Rejected);
        // mlp's three seeds fuse (default on); the cnn's train alone: the engine fuses only MLPs.
        Assert.Equal([0, 0, 0, 3, 4, 5], plan.FuseGroups);
        Assert.All(plan.Trials.Take(3), t => Assert.Equal("mlp", t.Model.Architecture));

        var off = SweepPlanner.Plan(Spec(grid, seeds: [0, 1, 2]) with { Dataset = images, FuseSeeds = false });
        Assert.Equal([0, 1, 2, 3, 4, 5], off.FuseGroups);
        Assert.Equal((1, 3), plan.Fused());
        Assert.Equal((0, 0), off.Fused());
        // Fusion changes where seeds train, never which trials there are.
        Assert.Equal(plan.Trials.Select(t => t.TrialId), off.Trials.Select(t => t.TrialId));
        Assert.Equal([0, 0, 0, 3, 4, 5], SweepPlanner.Plan(Spec(grid, seeds: [0, 1, 2]) with { Dataset = images, FuseSeeds = true }).FuseGroups);
    }

    [Fact]
    public void Each_mlp_grid_point_is_its_own_fuse_group()
    {
        var plan = SweepPlanner.Plan(Spec());
        var groups = plan.FuseGroups.Select((g, i) => (g, i)).GroupBy(p => p.g).ToList();
        Assert.Equal(12, groups.Count);
        Assert.All(groups, g => Assert.Single(g.Select(p => plan.Trials[p.i].Model).Distinct()));
        Assert.All(groups, g => Assert.Equal([0L, 1L], g.Select(p => plan.Trials[p.i].Seed)));
    }

    [Fact]
    public void Plan_is_the_cartesian_product_times_seeds()
    {
        var plan = SweepPlanner.Plan(Spec());
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(3 * 2 * 2 * 2, plan.Trials.Count);
        Assert.Empty(plan.Rejected);
        Assert.All(plan.Trials, t => Assert.Equal("plan-test", t.SweepId));
    }

    [Fact]
    public void Trial_ids_are_stable_distinct_and_16_hex_characters()
    {
        var first = SweepPlanner.Plan(Spec()).Trials.Select(t => t.TrialId).ToList();
        var second = SweepPlanner.Plan(Spec()).Trials.Select(t => t.TrialId).ToList();
        Assert.Equal(first, second);
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.All(first, id => Assert.Matches("^[0-9a-f]{16}$", id));
        // A different training setting is a different trial.
        var other = SweepPlanner.Plan(Spec() with { Training = new TrainingSpec { LearningRate = 0.05 } });
        Assert.Empty(first.Intersect(other.Trials.Select(t => t.TrialId)));
    }

    [Fact]
    public void Trial_id_does_not_depend_on_the_sweep_name_or_the_current_culture()
    {
        var a = SweepPlanner.Plan(Spec(name: "a")).Trials[0].TrialId;
        var previous = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = System.Globalization.CultureInfo.InvariantCulture;
            Assert.Equal(a, SweepPlanner.Plan(Spec(name: "b")).Trials[0].TrialId);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Engine_rejections_are_listed_with_reasons_and_the_rest_still_runs()
    {
        var plan = SweepPlanner.Plan(Spec(new GridSpec { Architectures = ["wrn"], Widths = [2], Depths = [10, 12], Inits = ["he_normal"] }, [0])
            with { Dataset = new DatasetSpec { Name = "cifar10", Path = "/nonexistent" } });
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Single(plan.Trials);
        var rejected = Assert.Single(plan.Rejected);
        Assert.Equal(12, rejected.Model.Depth);
        Assert.StartsWith("wrn w2 d12", rejected.ToString());
        Assert.Contains("6n+4", rejected.ToString());
    }

    [Fact]
    public void Scales_an_init_ignores_collapse_into_one_trial()
    {
        var plan = SweepPlanner.Plan(Spec(new GridSpec { Inits = ["he_normal", "gaussian"], InitScales = [0.5, 1.0] }, [0]));
        Assert.Equal(3, plan.Trials.Count); // he_normal once, gaussian twice
    }

    [Theory]
    [InlineData("Bad Name", "name 'Bad Name' is invalid")]
    [InlineData("", "name '' is invalid")]
    public void Invalid_sweep_names_are_spec_errors(string name, string expected)
    {
        var plan = SweepPlanner.Plan(Spec(name: name));
        Assert.False(plan.IsValid);
        Assert.Empty(plan.Trials);
        Assert.Contains(plan.Errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_names_list_the_allowed_values()
    {
        var plan = SweepPlanner.Plan(Spec(new GridSpec { Inits = ["foo"], Activations = ["gelu"] }));
        Assert.Contains("grid.inits: unknown init 'foo'; allowed: gaussian, lecun_normal, he_normal, glorot_normal, glorot_uniform, orthogonal", plan.Errors);
        Assert.Contains(plan.Errors, e => e.StartsWith("grid.activations: unknown activation 'gelu'; allowed: relu, tanh, identity", StringComparison.Ordinal));
    }

    [Fact]
    public void Empty_duplicate_and_out_of_range_axes_are_spec_errors()
    {
        var plan = SweepPlanner.Plan(Spec(new GridSpec { Widths = [], Depths = [2, 2], InitScales = [-1] }, []));
        Assert.Contains("grid.widths is empty: give at least one value", plan.Errors);
        Assert.Contains("grid.depths has duplicate value 2", plan.Errors);
        Assert.Contains(plan.Errors, e => e.StartsWith("grid.init_scales: value -1 is out of range", StringComparison.Ordinal));
        Assert.Contains("seeds is empty: give at least one value", plan.Errors);
    }

    [Fact]
    public void Shared_sections_are_checked_by_the_engine_rules()
    {
        var plan = SweepPlanner.Plan(Spec() with
        {
            Training = new TrainingSpec { LearningRate = 0, BatchSize = 0 },
            Dataset = new DatasetSpec { Name = "imagenet" },
            MaxConcurrentTrials = -1,
        });
        Assert.Contains(plan.Errors, e => e.Contains("learning rate must be > 0", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, e => e.Contains("batch size must be >= 1", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, e => e.Contains("dataset must be one of", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, e => e.StartsWith("max_concurrent_trials", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapper_reports_unknown_names_with_allowed_values()
    {
        var trial = new TrialSpec { Model = new ModelSpec { Architecture = "transformer", Width = 8, Depth = 1 } };
        var e = Assert.Throws<ArgumentException>(() => TrialConfigMapper.ToConfig(trial));
        Assert.Contains("unknown architecture 'transformer'; allowed: mlp, cnn, wrn", e.Message);
    }
}
