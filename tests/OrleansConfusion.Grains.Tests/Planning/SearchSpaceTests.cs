using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>Search spaces (#24): list axes beyond the grid, sampled fields, derived fields, fusion across them.</summary>
public sealed class SearchSpaceTests
{
    static SweepSpec Spec(params AxisSpec[] axes) => new()
    {
        Name = "space",
        Grid = new GridSpec { Widths = [16, 32], Depths = [2, 4] },
        Seeds = [0, 1],
        Axes = axes,
    };

    static AxisSpec List(string field, params double[] values) => new() { Field = field, Values = values };

    static AxisSpec Sampled(string field, string distribution, double low = 0, double high = 0, params string[] choices) =>
        new() { Field = field, Sampled = new SampledValue { Distribution = distribution, Low = low, High = high, Choices = choices } };

    [Fact]
    public void A_spec_without_axes_plans_the_ids_and_order_it_planned_before_axes_existed()
    {
        // Ids computed from the canonical configuration, as the planner of f24de4c did: no field of a resolved trial
        // changed, so outputs written before search spaces resume.
        var plan = SweepPlanner.Plan(Spec());
        var expected = (from width in new[] { 16, 32 } from depth in new[] { 2, 4 } from seed in new long[] { 0, 1 }
                        select TrialIdentity.Id(new TrialSpec { Model = new ModelSpec { Width = width, Depth = depth }, Seed = seed })).ToList();
        Assert.Equal(expected, plan.Trials.Select(t => t.TrialId));
        // One known id, pinned: a change to the canonical form would break every existing output's resume.
        Assert.Equal(TrialIdentity.Id(new TrialSpec { Model = new ModelSpec { Width = 16, Depth = 2 }, Seed = 0 }), plan.Trials[0].TrialId);
        Assert.Equal("mlp w16 d2 he_normal relu s0", plan.Trials[0].Label);
    }

    [Fact]
    public void Training_and_dataset_lists_are_axes_crossed_with_the_grid_and_the_seeds()
    {
        var plan = SweepPlanner.Plan(Spec(List("lr", 0.01, 0.1, 1), List("batch_size", 32, 64), List("subset_seed", 0, 1)));
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(4 * 3 * 2 * 2 * 2, plan.Trials.Count);
        Assert.Equal(plan.Trials.Count, plan.Trials.Select(t => t.TrialId).Distinct().Count());
        Assert.Equal([0.01, 0.1, 1], plan.Trials.Select(t => t.Training.LearningRate).Distinct().Order());
        Assert.Equal([32, 64], plan.Trials.Select(t => t.Training.BatchSize).Distinct().Order());
        Assert.Equal([0L, 1L], plan.Trials.Select(t => t.Dataset.SubsetSeed).Distinct().Order());
        // Labels say what tells a trial apart; resolved sections are shared, not copied per trial.
        Assert.Contains(plan.Trials, t => t.Label == "mlp w16 d2 he_normal relu lr=0.1 batch_size=64 subset_seed=1 s0");
        Assert.Equal(12, plan.Trials.Select(t => t.Training).Distinct(ReferenceEqualityComparer.Instance).Count() * 2);
    }

    [Fact]
    public void Sampled_points_are_quasi_random_deterministic_in_the_seed_and_within_bounds()
    {
        var spec = Spec(Sampled("lr", "log_uniform", 1e-3, 1), Sampled("momentum", "uniform", 0, 0.9), Sampled("batch_size", "int_uniform", 16, 64)) with { Samples = 16, SampleSeed = 7 };
        var plan = SweepPlanner.Plan(spec);
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(4 * 16 * 2, plan.Trials.Count);
        var points = plan.Trials.Select(t => (t.Training.LearningRate, t.Training.Momentum, t.Training.BatchSize)).Distinct().ToList();
        Assert.Equal(16, points.Count);
        Assert.All(points, p => { Assert.InRange(p.LearningRate, 1e-3, 1); Assert.InRange(p.Momentum, 0, 0.9); Assert.InRange(p.BatchSize, 16, 64); });
        // Log-uniform and quasi-random: 16 points put exactly 4 learning rates in each decade of the four... spread
        // evenly, every quarter of log10 lr in [-3, 0) holds 4 of them (independent draws would miss some quarters).
        Assert.All(points.GroupBy(p => (int)Math.Floor((Math.Log10(p.LearningRate) + 3) / 0.75)), g => Assert.Equal(4, g.Count()));
        // The same seed draws the same points and ids; another seed other ones.
        Assert.Equal(plan.Trials.Select(t => t.TrialId), SweepPlanner.Plan(spec).Trials.Select(t => t.TrialId));
        Assert.Empty(plan.Trials.Select(t => t.TrialId).Intersect(SweepPlanner.Plan(spec with { SampleSeed = 8 }).Trials.Select(t => t.TrialId)));
    }

    [Fact]
    public void A_choice_and_a_sampled_grid_field_draw_from_their_values()
    {
        var spec = Spec(Sampled("init", "choice", choices: ["he_normal", "lecun_normal"]), Sampled("width", "int_uniform", 8, 12)) with
        {
            Grid = new GridSpec { Depths = [2] }, Samples = 8,
        };
        var plan = SweepPlanner.Plan(spec);
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.Equal(["he_normal", "lecun_normal"], plan.Trials.Select(t => t.Model.Init).Distinct().Order());
        Assert.All(plan.Trials, t => Assert.InRange(t.Model.Width, 8, 12));
    }

    [Fact]
    public void A_derived_learning_rate_follows_the_depth()
    {
        var lr = new AxisSpec { Field = "lr", Derived = new DerivedValue { Value = 0.4, Axes = ["depth"], Exponents = [-1] } };
        var plan = SweepPlanner.Plan(Spec(lr));
        Assert.True(plan.IsValid, string.Join("; ", plan.Errors));
        Assert.All(plan.Trials, t => Assert.Equal(0.4 / t.Model.Depth, t.Training.LearningRate, 12));
        Assert.Contains(plan.Trials, t => t.Label == "mlp w16 d4 he_normal relu lr=0.1 s0");
    }

    [Fact]
    public void A_derived_value_that_is_invalid_at_a_point_is_a_spec_error_naming_the_point()
    {
        // momentum = 0.3 × depth: 0.6 at depth 2, but 1.2 at depth 4, where it must be < 1.
        var momentum = new AxisSpec { Field = "momentum", Derived = new DerivedValue { Value = 0.3, Axes = ["depth"], Exponents = [1] } };
        var plan = SweepPlanner.Plan(Spec(momentum));
        Assert.False(plan.IsValid);
        Assert.Empty(plan.Trials);
        // Each invalid point is named (two widths at depth 4), with the field to look at first.
        Assert.Equal(2, plan.Errors.Count);
        Assert.StartsWith("training.momentum: at mlp w16 d4 he_normal relu momentum=1.2: momentum must be in [0, 1)", plan.Errors[0]);
        Assert.StartsWith("training.momentum: at mlp w32 d4 he_normal relu momentum=1.2:", plan.Errors[1]);
        Assert.DoesNotContain(plan.Errors, e => e.Contains(" d2 "));
    }

    public static TheoryData<AxisSpec[], int, string> BadAxes => new()
    {
        { [Sampled("lr", "log_uniform", 1, 0.001)], 4, "training.lr: log_uniform bounds [1, 0.001] are in the wrong order" },
        { [Sampled("lr", "log_uniform", 0, 1)], 4, "training.lr: log_uniform bounds [0, 1] must both be > 0" },
        { [Sampled("lr", "uniform", 0.1, 1)], 0, "samples: missing or < 1 (got 0); training.lr is drawn from a distribution" },
        { [List("lr", 0.1, 0.2)], 3, "samples: 3 given, but no field is drawn from a distribution" },
        { [Sampled("lr", "gaussian", 0, 1)], 4, "training.lr: unknown distribution 'gaussian'" },
        { [Sampled("batch_size", "uniform", 16, 64)], 4, "training.batch_size: batch_size takes integers; use int_uniform" },
        { [List("lr", 0.1, 0.1)], 0, "training.lr: value 0.1 appears more than once" },
        { [List("batch_size", 16.5)], 0, "training.batch_size: value 16.5 is not an integer" },
        { [List("width", 16, 32)], 0, "grid.width: a list of this field goes in the grid" },
        { [new AxisSpec { Field = "lr", Derived = new DerivedValue { Value = 0.1, Axes = ["dpth"], Exponents = [-1] } }], 0, "training.lr: times names 'dpth', which is not a numeric axis; did you mean 'depth'?" },
        { [new AxisSpec { Field = "batch_size", Derived = new DerivedValue { Value = 2, Axes = ["width"], Exponents = [1] } }], 0, "training.batch_size: only real-valued fields" },
        { [new AxisSpec { Field = "learning_rate", Values = [0.1] }], 0, "'learning_rate' cannot be an axis" },
    };

    [Theory]
    [MemberData(nameof(BadAxes))]
    public void Bad_axes_are_spec_errors_naming_the_field(AxisSpec[] axes, int samples, string message)
    {
        var plan = SweepPlanner.Plan(Spec(axes) with { Samples = samples });
        Assert.False(plan.IsValid);
        Assert.Empty(plan.Trials);
        Assert.Contains(plan.Errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_report_selection_must_name_an_axis_and_a_numeric_trials_column()
    {
        var plan = SweepPlanner.Plan(Spec(List("lr", 0.1, 0.2)) with { Report = new ReportSpec { Best = "lrr", By = "final_los" } });
        Assert.Contains(plan.Errors, e => e.StartsWith("report.best: 'lrr' is not an axis; did you mean 'lr'?", StringComparison.Ordinal));
        Assert.Contains(plan.Errors, e => e.StartsWith("report.by: 'final_los' is not a numeric column of trials/; did you mean 'final_loss'?", StringComparison.Ordinal));
        Assert.True(SweepPlanner.Plan(Spec(List("lr", 0.1, 0.2)) with { Report = new ReportSpec { Best = "lr", By = "final_loss" } }).IsValid);
    }

    [Fact]
    public void Learning_rates_and_seeds_of_one_shape_fuse_into_one_group_and_other_shapes_apart()
    {
        var plan = SweepPlanner.Plan(Spec(List("lr", 0.01, 0.1), List("batch_size", 32, 64)));
        var groups = plan.FuseGroups.Select((g, i) => (g, i)).GroupBy(p => p.g).Select(g => g.Select(p => plan.Trials[p.i]).ToList()).ToList();
        // 4 grid points × 2 batch sizes = 8 shapes, each with 2 rates × 2 seeds.
        Assert.Equal(8, groups.Count);
        Assert.All(groups, g =>
        {
            Assert.Equal(4, g.Count);
            Assert.Single(g.Select(t => (t.Model.Width, t.Model.Depth, t.Training.BatchSize)).Distinct());
            Assert.Equal([0.01, 0.1], g.Select(t => t.Training.LearningRate).Distinct().Order());
        });
        // Groups are runs in plan order, as the dispatch queue needs.
        Assert.Equal(plan.FuseGroups.Order(), plan.FuseGroups);
        // Large buckets are split: 40 rates × 2 seeds of one shape make groups of at most 32.
        var many = SweepPlanner.Plan(Spec(List("lr", [.. Enumerable.Range(1, 40).Select(i => i / 100.0)])) with { Grid = new GridSpec { Widths = [8], Depths = [1] } });
        Assert.Equal([32, 32, 16], many.FuseGroups.GroupBy(g => g).Select(g => g.Count()));
    }

    [Fact]
    public void Halton_points_are_the_radical_inverses()
    {
        // Base 2: 1/2, 1/4, 3/4; base 3: 1/3, 2/3, 1/9.
        var points = HaltonPoints.Generate(3, 2, seed: null);
        Assert.Equal([0.5, 0.25, 0.75], points.Select(p => p[0]));
        Assert.Equal([1 / 3.0, 2 / 3.0, 1 / 9.0], points.Select(p => p[1]), (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.All(HaltonPoints.Generate(100, 5, seed: 3), p => Assert.All(p, x => Assert.InRange(x, 0, 0.9999999999)));
    }
}
