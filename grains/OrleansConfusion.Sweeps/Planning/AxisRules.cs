using System.Globalization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Spec-level checks of a sweep's axes beyond the grid's lists (<see cref="SweepSpec.Axes"/>), each error naming its
/// field as the spec spells it ("training.lr: ..."): a known field used as it may be, distributions with sound bounds,
/// derived values that name known numeric axes, and samples given exactly when a field is sampled.
/// </summary>
internal static class AxisRules
{
    public static readonly string[] Distributions = ["uniform", "log_uniform", "int_uniform", "choice"];

    public static void Validate(SweepSpec spec, List<string> errors)
    {
        var axes = spec.Axes ?? [];
        foreach (var duplicate in axes.GroupBy(a => a.Field).Where(g => g.Count() > 1))
            errors.Add($"{Path(duplicate.Key)}: given more than once as an axis");
        foreach (var axis in axes) Validate(spec, axis, axes, errors);

        int sampled = axes.Count(a => a.Sampled is not null);
        if (sampled > 0 && spec.Samples < 1)
            errors.Add($"samples: missing or < 1 (got {spec.Samples}); {string.Join(", ", axes.Where(a => a.Sampled is not null).Select(a => Path(a.Field)))} " +
                "is drawn from a distribution, so give samples: N, the number of points to draw");
        if (sampled == 0 && spec.Samples != 0)
            errors.Add($"samples: {spec.Samples} given, but no field is drawn from a distribution (uniform, log_uniform, int_uniform or choice)");
        if (sampled > HaltonPoints.MaxDimensions)
            errors.Add($"{sampled} fields are sampled; at most {HaltonPoints.MaxDimensions} may be");
        if (spec.Report is { } report) ValidateReport(report, errors);
    }

    /// <summary>The numeric columns of trials/ a selection can be judged by (not the configuration's).</summary>
    public static readonly string[] SelectionColumns =
        [.. SweepOutputSchema.TrialColumns.TakeWhile(c => c.Name != "trial_id").Where(c => c.Type is "DOUBLE" or "BIGINT" or "INTEGER").Select(c => c.Name)];

    static void ValidateReport(ReportSpec report, List<string> errors)
    {
        if (report.Best is { } best && !AxisField.All.ContainsKey(best) && best != "bias")
            errors.Add($"report.best: '{best}' is not an axis{Suggest.DidYouMean(best, AxisField.All.Keys)} (axes: {string.Join(", ", AxisField.All.Keys)})");
        if (report.By is { } by && !SelectionColumns.Contains(by))
            errors.Add($"report.by: '{by}' is not a numeric column of trials/{Suggest.DidYouMean(by, SelectionColumns)} (columns: {string.Join(", ", SelectionColumns)})");
        if (report.Goal is not ("min" or "max")) errors.Add($"report.goal: '{report.Goal}' must be min or max");
    }

    static void Validate(SweepSpec spec, AxisSpec axis, AxisSpec[] axes, List<string> errors)
    {
        if (!AxisField.All.TryGetValue(axis.Field ?? "", out var field))
        {
            errors.Add($"'{axis.Field}' cannot be an axis{Suggest.DidYouMean(axis.Field ?? "", AxisField.All.Keys)} (axes: {string.Join(", ", AxisField.All.Keys)})");
            return;
        }
        string at = field.Path;
        int forms = (axis.Values.Length > 0 ? 1 : 0) + (axis.Sampled is not null ? 1 : 0) + (axis.Derived is not null ? 1 : 0);
        if (forms != 1)
        {
            errors.Add($"{at}: give one list, one distribution or one derived value");
            return;
        }
        if (field.Section == "grid" && GridValues(spec.Grid, field.Name) > 1)
            errors.Add($"{at}: is both a list and {(axis.Sampled is not null ? "sampled" : "derived")}; give one");
        if (axis.Values.Length > 0) ValidateList(field, axis.Values, errors);
        else if (axis.Sampled is { } sampled) ValidateSampled(field, sampled, errors);
        else ValidateDerived(field, axis.Derived!, axes, errors);
    }

    static void ValidateList(AxisField field, double[] values, List<string> errors)
    {
        if (!field.Listable) errors.Add($"{field.Path}: a list of this field goes in the grid");
        foreach (double v in values.Where(v => !double.IsFinite(v) || (field.Kind == AxisKind.Integer && v != Math.Round(v))))
            errors.Add(FormattableString.Invariant($"{field.Path}: value {v} is not {(field.Kind == AxisKind.Integer ? "an integer" : "a finite number")}"));
        foreach (var duplicate in values.GroupBy(v => v).Where(g => g.Count() > 1))
            errors.Add(FormattableString.Invariant($"{field.Path}: value {duplicate.Key} appears more than once"));
    }

    static void ValidateSampled(AxisField field, SampledValue s, List<string> errors)
    {
        string at = field.Path;
        if (!Distributions.Contains(s.Distribution))
        {
            errors.Add($"{at}: unknown distribution '{s.Distribution}'{Suggest.DidYouMean(s.Distribution ?? "", Distributions)} (allowed: {string.Join(", ", Distributions)})");
            return;
        }
        if (s.Distribution == "choice")
        {
            if (s.Choices.Length == 0) errors.Add($"{at}: choice needs at least one value");
            foreach (var duplicate in s.Choices.GroupBy(c => c).Where(g => g.Count() > 1)) errors.Add($"{at}: choice value {duplicate.Key} appears more than once");
            if (field.IsNumeric)
                foreach (string c in s.Choices.Where(c => !double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || !double.IsFinite(d)))
                    errors.Add($"{at}: choice value '{c}' is not a number");
            if (field.Kind == AxisKind.Switch)
                foreach (string c in s.Choices.Where(c => c is not ("true" or "false")))
                    errors.Add($"{at}: choice value '{c}' is not true or false");
            return;
        }
        if (!field.IsNumeric) { errors.Add($"{at}: {s.Distribution} needs a numeric field; use choice: [...] for names and switches"); return; }
        if (s.Distribution == "int_uniform" && field.Kind != AxisKind.Integer) errors.Add($"{at}: int_uniform is for integer fields; use uniform or log_uniform");
        if (s.Distribution != "int_uniform" && field.Kind == AxisKind.Integer) errors.Add($"{at}: {field.Name} takes integers; use int_uniform");
        string bounds = FormattableString.Invariant($"[{s.Low}, {s.High}]");
        if (!double.IsFinite(s.Low) || !double.IsFinite(s.High)) { errors.Add($"{at}: {s.Distribution} bounds {bounds} must be finite"); return; }
        if (s.Distribution == "int_uniform" ? s.Low > s.High : s.Low >= s.High)
            errors.Add($"{at}: {s.Distribution} bounds {bounds} are in the wrong order: give [low, high] with low {(s.Distribution == "int_uniform" ? "<=" : "<")} high");
        if (s.Distribution == "log_uniform" && s.Low <= 0) errors.Add($"{at}: log_uniform bounds {bounds} must both be > 0");
        if (s.Distribution == "int_uniform" && (s.Low != Math.Round(s.Low) || s.High != Math.Round(s.High))) errors.Add($"{at}: int_uniform bounds {bounds} must be integers");
    }

    static void ValidateDerived(AxisField field, DerivedValue d, AxisSpec[] axes, List<string> errors)
    {
        string at = field.Path;
        if (!field.Derivable) { errors.Add($"{at}: only real-valued fields (lr, momentum, weight_decay, lr_decay_factor, init_scale) can be derived"); return; }
        if (!double.IsFinite(d.Value)) errors.Add($"{at}: value must be a finite number");
        if (d.Axes.Length != d.Exponents.Length) { errors.Add($"{at}: times needs one exponent per axis"); return; }
        for (int i = 0; i < d.Axes.Length; i++)
        {
            string name = d.Axes[i];
            if (!AxisField.All.TryGetValue(name, out var other) || !other.IsNumeric)
                errors.Add($"{at}: times names '{name}', which is not a numeric axis{Suggest.DidYouMean(name, AxisField.All.Values.Where(f => f.IsNumeric).Select(f => f.Name))}");
            else if (name == field.Name) errors.Add($"{at}: times names {name} itself");
            else if (axes.Any(a => a.Field == name && a.Derived is not null)) errors.Add($"{at}: times names {name}, which is derived too; derive from grid, list or sampled axes only");
            if (!double.IsFinite(d.Exponents[i])) errors.Add($"{at}: the exponent of {name} must be a finite number");
        }
    }

    static string Path(string? field) => AxisField.All.TryGetValue(field ?? "", out var f) ? f.Path : field ?? "";

    static int GridValues(GridSpec g, string field) => field switch
    {
        "architecture" => g.Architectures.Length,
        "width" => g.Widths.Length,
        "depth" => g.Depths.Length,
        "init" => g.Inits.Length,
        "init_scale" => g.InitScales.Length,
        "batch_norm" => g.BatchNorm.Length,
        "skip" => g.Skip.Length,
        "activation" => g.Activations.Length,
        _ => 0,
    };
}
