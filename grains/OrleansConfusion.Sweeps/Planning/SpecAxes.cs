using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>Spec-level checks of the grid axes and seeds: present, non-empty, no duplicates, known names, in range.</summary>
internal static class SpecAxes
{
    public static void Validate(GridSpec g, long[] seeds, List<string> errors)
    {
        Names("grid.architectures", g.Architectures, SpecNames.Architectures, "architecture", errors);
        Numbers("grid.widths", g.Widths, w => w >= 1, ">= 1", errors);
        Numbers("grid.depths", g.Depths, d => d >= 1, ">= 1", errors);
        Names("grid.inits", g.Inits, SpecNames.Inits, "init", errors);
        Numbers("grid.init_scales", g.InitScales, s => double.IsFinite(s) && s > 0, "finite and > 0", errors);
        Axis("grid.batch_norm", g.BatchNorm, errors);
        Axis("grid.skip", g.Skip, errors);
        Names("grid.activations", g.Activations, SpecNames.Activations, "activation", errors);
        Axis("seeds", seeds, errors);
    }

    static void Names<T>(string field, string[]? values, IReadOnlyDictionary<string, T> table, string what, List<string> errors)
    {
        if (!Axis(field, values?.Select(SpecNames.Normalize).ToArray(), errors)) return;
        foreach (string v in values!)
            if (!SpecNames.TryGet(table, v, out _))
                errors.Add($"{field}: unknown {what} '{v}'; allowed: {SpecNames.Allowed(table)}");
    }

    static void Numbers<T>(string field, T[]? values, Func<T, bool> valid, string rule, List<string> errors)
    {
        if (!Axis(field, values, errors)) return;
        foreach (var v in values!)
            if (!valid(v))
                errors.Add(FormattableString.Invariant($"{field}: value {v} is out of range (must be {rule})"));
    }

    /// <summary>False when the axis is missing or empty (then its values are not checked further).</summary>
    static bool Axis<T>(string field, T[]? values, List<string> errors)
    {
        if (values is null || values.Length == 0)
        {
            errors.Add($"{field} is empty: give at least one value");
            return false;
        }
        foreach (var dup in values.GroupBy(v => v).Where(x => x.Count() > 1))
            errors.Add(FormattableString.Invariant($"{field} has duplicate value {dup.Key}"));
        return true;
    }
}
