using System.Text.RegularExpressions;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Expands a <see cref="SweepSpec"/> into trials before any work starts. Pure: no I/O, no Orleans, so
/// the CLI calls it to report every problem up front and the coordinator calls it again on submit.
/// <list type="bullet">
/// <item><see cref="SweepPlan.Errors"/>: the spec as a whole is invalid (bad name, empty or duplicated
/// axis, unknown name, out-of-range value in the shared sections); then no trial is planned.</item>
/// <item><see cref="SweepPlan.Rejected"/>: grid points the engine's <see cref="ConfigValidator"/> refuses
/// (e.g. a wrn depth that is not 6n+4); the rest of the sweep still runs.</item>
/// <item><see cref="SweepPlan.Trials"/>: the Cartesian product of the axes × seeds in axis order, each with
/// its deterministic id (<see cref="TrialIdentity"/>). Grid points that differ only in an init_scale their
/// init ignores collapse into one trial.</item>
/// </list>
/// </summary>
public static partial class SweepPlanner
{
    /// <summary>Above this many trials a spec is refused: it is almost surely a typo in an axis.</summary>
    public const int MaxTrials = 1_000_000;

    public static SweepPlan Plan(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = ValidateSpec(spec);
        if (errors.Count > 0) return new SweepPlan { SweepId = spec.Name ?? "", Errors = errors };

        var trials = new List<TrialSpec>();
        var rejected = new List<RejectedTrial>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var model in GridPoints(spec.Grid))
        {
            var mapErrors = new List<string>();
            var config = TrialConfigMapper.ToConfig(model, spec.Dataset, spec.Training, spec.Measurement, 0, mapErrors);
            var reasons = mapErrors.Concat(ConfigValidator.Validate(config)).ToList();
            if (reasons.Count > 0)
            {
                rejected.Add(new RejectedTrial(model, Label(model), reasons));
                continue;
            }
            foreach (long seed in spec.Seeds)
            {
                var trial = new TrialSpec
                {
                    SweepId = spec.Name!,
                    Model = model,
                    Seed = seed,
                    Dataset = spec.Dataset,
                    Training = spec.Training,
                    Measurement = spec.Measurement,
                };
                trial = trial with { TrialId = TrialIdentity.Id(trial) };
                if (seen.Add(trial.TrialId)) trials.Add(trial);
            }
        }
        return new SweepPlan { SweepId = spec.Name!, Trials = trials, Rejected = rejected, FuseGroups = FuseGroups(spec, trials) };
    }

    /// <summary>
    /// Which trials train fused: unless the spec says <c>fuse_seeds: false</c>, each run of consecutive trials that
    /// differ only in their seed (a grid point's seeds; the plan keeps them together) is one group, where the engine
    /// can fuse the architecture (<see cref="ConfigValidator.CanFuse"/>). Every other trial is a group of its own.
    /// Returns, per trial, the index of its group's first trial.
    /// </summary>
    public static int[] FuseGroups(SweepSpec spec, IReadOnlyList<TrialSpec> trials)
    {
        var groups = new int[trials.Count];
        bool fuse = spec.FuseSeeds != false;
        for (int i = 0; i < trials.Count; i++)
        {
            groups[i] = i;
            if (!fuse || i == 0 || !SameButSeed(trials[i], trials[i - 1])) continue;
            if (groups[i - 1] == i - 1 && !ConfigValidator.CanFuse(TrialConfigMapper.ToConfig(trials[i]).Model)) continue;
            groups[i] = groups[i - 1];
        }
        return groups;

        // The planner shares one dataset, training and measurement section between all trials, so the model is the rest.
        static bool SameButSeed(TrialSpec a, TrialSpec b) =>
            a.Model == b.Model && a.Dataset == b.Dataset && a.Training == b.Training && a.Measurement == b.Measurement
            && a.CheckpointDirectory == b.CheckpointDirectory;
    }

    /// <summary>Short label for views and messages: "mlp w64 d2 he_normal relu" (+ scale, bn, skip, no-bias).</summary>
    public static string Label(ModelSpec m)
    {
        string init = SpecNames.Normalize(m.Init);
        string label = $"{SpecNames.Normalize(m.Architecture)} w{m.Width} d{m.Depth} {init}";
        if (SpecNames.UsesScale(init)) label += FormattableString.Invariant($"({m.InitScale:G4})");
        label += " " + SpecNames.Normalize(m.Activation);
        if (m.BatchNorm) label += " bn";
        if (m.Skip) label += " skip";
        if (!m.Bias) label += " no-bias";
        return label;
    }

    public static string Label(TrialSpec t) => FormattableString.Invariant($"{Label(t.Model)} s{t.Seed}");

    static IEnumerable<ModelSpec> GridPoints(GridSpec g) =>
        from architecture in g.Architectures
        from width in g.Widths
        from depth in g.Depths
        from init in g.Inits
        from scale in g.InitScales
        from batchNorm in g.BatchNorm
        from skip in g.Skip
        from activation in g.Activations
        select new ModelSpec
        {
            Architecture = SpecNames.Normalize(architecture),
            Width = width,
            Depth = depth,
            Init = SpecNames.Normalize(init),
            InitScale = scale,
            BatchNorm = batchNorm,
            Skip = skip,
            Activation = SpecNames.Normalize(activation),
            Bias = g.Bias,
        };

    static List<string> ValidateSpec(SweepSpec spec)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(spec.Name) || !SweepName().IsMatch(spec.Name))
            errors.Add($"name '{spec.Name}' is invalid: use 1-64 lower-case letters, digits, '-' or '_', starting with a letter or digit");
        if (spec.Dataset is null || spec.Grid is null || spec.Training is null || spec.Measurement is null || spec.Seeds is null)
        {
            errors.Add("dataset, grid, seeds, training and measurement must all be present");
            return errors;
        }
        SpecAxes.Validate(spec.Grid, spec.Seeds, errors);
        if (spec.MaxConcurrentTrials < 0)
            errors.Add($"max_concurrent_trials must be >= 0 (0 = as many as the cluster allows), got {spec.MaxConcurrentTrials}");
        if (string.IsNullOrWhiteSpace(spec.OutputDirectory))
            errors.Add("output directory must not be empty");
        ValidateSharedSections(spec, errors);
        if (errors.Count == 0 && Product(spec) > MaxTrials)
            errors.Add($"the grid expands to {Product(spec)} trials; at most {MaxTrials} are allowed");
        return errors;
    }

    /// <summary>
    /// Dataset, training and measurement are shared by every trial, so an engine error there is a spec
    /// error, not a rejected grid point. Validating them beside a model the engine always accepts keeps
    /// the range rules in <see cref="ConfigValidator"/> alone.
    /// </summary>
    static void ValidateSharedSections(SweepSpec spec, List<string> errors)
    {
        var mapErrors = new List<string>();
        var probe = new TrialConfig
        {
            Model = new ModelConfig { Architecture = Architecture.Mlp, Width = 1, Depth = 1 },
            Dataset = TrialConfigMapper.MapDataset(spec.Dataset, mapErrors),
            Training = TrialConfigMapper.MapTraining(spec.Training),
            Measurement = TrialConfigMapper.MapMeasurement(spec.Measurement),
        };
        errors.AddRange(mapErrors);
        errors.AddRange(ConfigValidator.Validate(probe));
    }

    static long Product(SweepSpec s)
    {
        var g = s.Grid;
        long[] sizes = [g.Architectures.Length, g.Widths.Length, g.Depths.Length, g.Inits.Length, g.InitScales.Length,
            g.BatchNorm.Length, g.Skip.Length, g.Activations.Length, s.Seeds.Length];
        return sizes.Aggregate(1L, (a, b) => a > MaxTrials ? a : a * b);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex SweepName();
}
