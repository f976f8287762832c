using System.Globalization;
using System.Text.RegularExpressions;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Expands a <see cref="SweepSpec"/> into trials before any work starts. Pure: no I/O, no Orleans, so
/// the CLI calls it to report every problem up front and the coordinator calls it again on submit.
/// <list type="bullet">
/// <item><see cref="SweepPlan.Errors"/>: the spec as a whole is invalid (bad name, empty or duplicated
/// axis, unknown name, a distribution with bad bounds, a derived value that is invalid at some point, out-of-range
/// values in the shared sections); then no trial is planned.</item>
/// <item><see cref="SweepPlan.Rejected"/>: grid points the engine's <see cref="ConfigValidator"/> refuses
/// (e.g. a wrn depth that is not 6n+4); the rest of the sweep still runs.</item>
/// <item><see cref="SweepPlan.Trials"/>: the grid's points × the list axes × the sampled points × the seeds, in that
/// nesting, each with its deterministic id (<see cref="TrialIdentity"/>), then ordered so that each fuse group is a run
/// (<see cref="FuseGroups"/>). Points that differ only in an init_scale their init ignores collapse into one trial. A
/// spec without list, sampled or derived axes plans the trials, ids and order it planned before they existed.</item>
/// </list>
/// </summary>
public static partial class SweepPlanner
{
    /// <summary>Above this many trials a spec is refused: it is almost surely a typo in an axis.</summary>
    public const int MaxTrials = 1_000_000;

    /// <summary>
    /// The most members one fuse group takes (a larger bucket is split in plan order): a group trains as one model in
    /// one slot, so this bounds its memory at 32 models' worth; 32 is 8 learning rates × 4 seeds.
    /// </summary>
    public const int MaxFuseGroup = 32;

    /// <summary>At most this many invalid points are listed one by one; the rest are counted.</summary>
    const int PointErrorsShown = 20;

    public static SweepPlan Plan(SweepSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = ValidateSpec(spec);
        if (errors.Count > 0) return new SweepPlan { SweepId = spec.Name ?? "", Errors = errors };

        var axes = spec.Axes ?? [];
        var lists = axes.Where(a => a.Values.Length > 0).ToList();
        var sampled = axes.Where(a => a.Sampled is not null).ToList();
        var derived = axes.Where(a => a.Derived is not null).ToList();
        var samples = sampled.Count == 0 ? [[]] : HaltonPoints.Generate(spec.Samples, sampled.Count, spec.SampleSeed);
        // Fields outside the grid whose values tell trials apart, for labels.
        var labelled = axes.Select(a => AxisField.All[a.Field]).Where(f => f.Section != "grid").ToList();

        var trials = new List<TrialSpec>();
        var rejected = new List<RejectedTrial>();
        var rejectedModels = new HashSet<ModelSpec>();
        var pointErrors = new List<string>();
        int invalidPoints = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Resolved sections are shared between the trials that have them: a million trials hold a few distinct
        // training and dataset records, not a million copies.
        var trainings = new Dictionary<TrainingSpec, TrainingSpec>();
        var datasets = new Dictionary<DatasetSpec, DatasetSpec>();
        var sharedErrors = new Dictionary<(TrainingSpec, DatasetSpec), List<string>>();
        foreach (var gridModel in GridPoints(spec.Grid))
        foreach (var combination in Combinations(lists))
        foreach (var sample in samples)
        {
            var point = new TrialPoint(gridModel, spec.Training, spec.Dataset);
            for (int i = 0; i < lists.Count; i++) point = AxisField.All[lists[i].Field].Write(point, AxisField.Format(combination[i]));
            for (int d = 0; d < sampled.Count; d++) point = AxisField.All[sampled[d].Field].Write(point, Draw(sampled[d].Sampled!, sample[d]));
            foreach (var axis in derived) point = AxisField.All[axis.Field].Write(point, AxisField.Format(Derive(axis.Derived!, point)));
            point = point with
            {
                Training = trainings.TryGetValue(point.Training, out var t) ? t : trainings[point.Training] = point.Training,
                Dataset = datasets.TryGetValue(point.Dataset, out var ds) ? ds : datasets[point.Dataset] = point.Dataset,
            };
            var model = point.Model;

            // Training and data are the sweep's, not the network's: invalid values there are a spec error at that point.
            if (!sharedErrors.TryGetValue((point.Training, point.Dataset), out var shared))
                sharedErrors[(point.Training, point.Dataset)] = shared = SharedSectionErrors(point.Training, point.Dataset, spec.Measurement);
            if (shared.Count > 0)
            {
                if (++invalidPoints <= PointErrorsShown)
                    pointErrors.Add($"{WhereInvalid(axes, shared)}at {Label(model)}{Describe(labelled, point)}: {string.Join("; ", shared)}");
                continue;
            }
            var mapErrors = new List<string>();
            var config = TrialConfigMapper.ToConfig(model, point.Dataset, point.Training, spec.Measurement, 0, mapErrors);
            var reasons = mapErrors.Concat(ConfigValidator.Validate(config)).ToList();
            if (reasons.Count > 0)
            {
                if (rejectedModels.Add(model)) rejected.Add(new RejectedTrial(model, Label(model), reasons));
                continue;
            }
            foreach (long seed in spec.Seeds)
            {
                var trial = new TrialSpec
                {
                    SweepId = spec.Name!,
                    Model = model,
                    Seed = seed,
                    Dataset = point.Dataset,
                    Training = point.Training,
                    Measurement = spec.Measurement,
                    Label = $"{Label(model)}{Describe(labelled, point)} s{seed.ToString(CultureInfo.InvariantCulture)}",
                };
                trial = trial with { TrialId = TrialIdentity.Id(trial) };
                if (seen.Add(trial.TrialId)) trials.Add(trial);
            }
        }
        if (invalidPoints > 0)
        {
            if (invalidPoints > PointErrorsShown) pointErrors.Add($"... and {invalidPoints - PointErrorsShown} more invalid points");
            return new SweepPlan { SweepId = spec.Name!, Errors = pointErrors };
        }
        var ordered = FusionOrder(spec, trials);
        return new SweepPlan { SweepId = spec.Name!, Trials = ordered, Rejected = rejected, FuseGroups = FuseGroups(spec, ordered) };
    }

    /// <summary>
    /// The trials in plan order with every fuse group a run: trials that may train as one model (the same
    /// <see cref="FusionKey"/>) are gathered where the first of them stands, in the order they were planned. Without
    /// fusion, or when nothing could fuse across seeds' neighbours, this is the planned order.
    /// </summary>
    static List<TrialSpec> FusionOrder(SweepSpec spec, List<TrialSpec> trials)
    {
        if (spec.FuseSeeds == false) return trials;
        var buckets = new Dictionary<string, List<TrialSpec>>(StringComparer.Ordinal);
        var order = new List<List<TrialSpec>>();
        foreach (var trial in trials)
        {
            string key = FusionKey(trial) ?? trial.TrialId;
            if (!buckets.TryGetValue(key, out var bucket)) order.Add(buckets[key] = bucket = []);
            bucket.Add(trial);
        }
        return [.. order.SelectMany(b => b)];
    }

    /// <summary>
    /// What a trial shares with the trials it may train fused with (null: it trains alone): all but its seed, init_scale,
    /// learning rate and decay factor, momentum, weight decay and target loss, as the engine's fused runner allows;
    /// only for architectures it can fuse.
    /// </summary>
    static string? FusionKey(TrialSpec t)
    {
        if (!ConfigValidator.CanFuse(TrialConfigMapper.ToConfig(t).Model)) return null;
        var shape = t with
        {
            TrialId = "", Label = "", Seed = 0, Model = t.Model with { InitScale = 0 },
            Training = t.Training with { LearningRate = 0, LrDecayFactor = 0, Momentum = 0, WeightDecay = 0, TargetLoss = 0 },
        };
        return TrialIdentity.Canonical(shape) + (t.CheckpointDirectory ?? "");
    }

    /// <summary>
    /// Which trials train fused: unless the spec says <c>fuse_seeds: false</c>, each run of consecutive trials with the
    /// same <see cref="FusionKey"/> (a grid point's seeds, and the points that differ from it only in learning rate,
    /// momentum, weight decay or init_scale; <see cref="FusionOrder"/> keeps them together) is one group of at most
    /// <see cref="MaxFuseGroup"/>, where the engine can fuse the architecture. Every other trial is a group of its own.
    /// Returns, per trial, the index of its group's first trial.
    /// </summary>
    public static int[] FuseGroups(SweepSpec spec, IReadOnlyList<TrialSpec> trials)
    {
        var groups = new int[trials.Count];
        bool fuse = spec.FuseSeeds != false;
        string? previous = null;
        for (int i = 0; i < trials.Count; i++)
        {
            groups[i] = i;
            string? key = fuse ? FusionKey(trials[i]) : null;
            if (key is not null && key == previous && i - groups[i - 1] < MaxFuseGroup) groups[i] = groups[i - 1];
            previous = key;
        }
        return groups;
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

    /// <summary>The planner's label of the trial, or its model's and seed's for a spec made elsewhere.</summary>
    public static string Label(TrialSpec t) => t.Label.Length > 0 ? t.Label : FormattableString.Invariant($"{Label(t.Model)} s{t.Seed}");

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
        AxisRules.Validate(spec, errors);
        if (spec.MaxConcurrentTrials < 0)
            errors.Add($"max_concurrent_trials must be >= 0 (0 = as many as the cluster allows), got {spec.MaxConcurrentTrials}");
        if (string.IsNullOrWhiteSpace(spec.OutputDirectory))
            errors.Add("output directory must not be empty");
        // Without axes on them the shared sections are one point: checked once here, as before axes existed.
        if (!(spec.Axes ?? []).Any(a => AxisField.All.TryGetValue(a.Field, out var f) && f.Section != "grid"))
            errors.AddRange(SharedSectionErrors(spec.Training, spec.Dataset, spec.Measurement));
        if (errors.Count == 0 && Product(spec) > MaxTrials)
            errors.Add($"the sweep expands to {Product(spec)} trials; at most {MaxTrials} are allowed");
        return errors;
    }

    /// <summary>
    /// Dataset, training and measurement are the sweep's, not a grid point's, so an engine error there is a spec error,
    /// not a rejected grid point. Validating them beside a model the engine always accepts keeps the range rules in
    /// <see cref="ConfigValidator"/> alone.
    /// </summary>
    static List<string> SharedSectionErrors(TrainingSpec training, DatasetSpec dataset, MeasurementSpec measurement)
    {
        var errors = new List<string>();
        var probe = new TrialConfig
        {
            Model = new ModelConfig { Architecture = Architecture.Mlp, Width = 1, Depth = 1 },
            Dataset = TrialConfigMapper.MapDataset(dataset, errors),
            Training = TrialConfigMapper.MapTraining(training),
            Measurement = TrialConfigMapper.MapMeasurement(measurement),
        };
        errors.AddRange(ConfigValidator.Validate(probe));
        return errors;
    }

    /// <summary>"training.lr (derived) " when an axis of the failing section can explain the error, for the reader's position.</summary>
    static string WhereInvalid(AxisSpec[] axes, List<string> errors)
    {
        var candidates = axes.Select(a => AxisField.All[a.Field]).Where(f => f.Section != "grid").ToList();
        var named = candidates.FirstOrDefault(f => errors.Any(e => e.Contains(f.Name.Replace('_', ' '), StringComparison.OrdinalIgnoreCase)
            || (f.Name == "lr" && e.Contains("learning rate", StringComparison.OrdinalIgnoreCase))));
        return (named ?? candidates.FirstOrDefault()) is { } field ? $"{field.Path}: " : "";
    }

    /// <summary>" lr=0.1 batch_size=64" for the fields outside the grid that vary in the sweep.</summary>
    static string Describe(IReadOnlyList<AxisField> fields, TrialPoint point) =>
        string.Concat(fields.Select(f => $" {f.Name}={f.Read(point).ToString("G4", CultureInfo.InvariantCulture)}"));

    static IEnumerable<double[]> Combinations(List<AxisSpec> lists)
    {
        IEnumerable<double[]> combinations = [[]];
        foreach (var axis in lists)
        {
            var current = combinations;
            combinations = current.SelectMany(c => axis.Values.Select(v => (double[])[.. c, v]));
        }
        return combinations;
    }

    /// <summary>The value of a sampled field at coordinate <paramref name="u"/> ∈ [0, 1) of a quasi-random point.</summary>
    static string Draw(SampledValue s, double u) => s.Distribution switch
    {
        "uniform" => AxisField.Format(s.Low + u * (s.High - s.Low)),
        "log_uniform" => AxisField.Format(Math.Exp(Math.Log(s.Low) + u * (Math.Log(s.High) - Math.Log(s.Low)))),
        "int_uniform" => AxisField.Format(Math.Min(s.High, s.Low + Math.Floor(u * (s.High - s.Low + 1)))),
        _ => s.Choices[Math.Min(s.Choices.Length - 1, (int)(u * s.Choices.Length))],
    };

    /// <summary>value × Π axis^exponent at this point.</summary>
    static double Derive(DerivedValue d, TrialPoint point)
    {
        double v = d.Value;
        for (int i = 0; i < d.Axes.Length; i++) v *= Math.Pow(AxisField.All[d.Axes[i]].Read(point), d.Exponents[i]);
        return v;
    }

    static long Product(SweepSpec s)
    {
        var g = s.Grid;
        var axes = s.Axes ?? [];
        long[] sizes = [g.Architectures.Length, g.Widths.Length, g.Depths.Length, g.Inits.Length, g.InitScales.Length,
            g.BatchNorm.Length, g.Skip.Length, g.Activations.Length, s.Seeds.Length, Math.Max(1, axes.Any(a => a.Sampled is not null) ? s.Samples : 1),
            .. axes.Where(a => a.Values.Length > 0).Select(a => (long)a.Values.Length)];
        return sizes.Aggregate(1L, (a, b) => a > MaxTrials ? a : a * b);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex SweepName();
}
