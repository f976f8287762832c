using System.Globalization;
using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// Typed reads from the YAML node tree that record every problem with its line, column and field
/// instead of stopping at the first, so one run of the CLI shows the user all their mistakes.
/// A read that fails returns null and the caller keeps the default.
/// </summary>
internal sealed class SpecReader(string file)
{
    readonly List<SpecError> _errors = [];
    readonly List<AxisSpec> _axes = [];
    readonly Dictionary<string, YamlNode> _positions = new(StringComparer.Ordinal);

    public IReadOnlyList<SpecError> Errors => _errors;

    /// <summary>The axes read beyond the grid's lists: lists of training and dataset fields, sampled and derived fields.</summary>
    public IReadOnlyList<AxisSpec> Axes => _axes;

    /// <summary>Where each field was written ("training.lr" → its node), so the planner's errors get a line and column.</summary>
    public IReadOnlyDictionary<string, YamlNode> Positions => _positions;

    public void Mark(string field, YamlNode node) => _positions[field] = node;

    /// <summary>
    /// A field that may be an axis: a scalar is returned (read by <paramref name="read"/>); a list becomes a list axis
    /// (numbers), a mapping a sampled or derived one (see <see cref="Space"/>); either way null is returned and the
    /// section keeps its default. <paramref name="listable"/> false: lists of this field belong elsewhere (the grid).
    /// </summary>
    public T? AxisOrScalar<T>(YamlNode node, string section, string key, Func<YamlNode, string, T?> read, Func<T, double> toNumber, bool listable = true) where T : struct
    {
        string field = $"{section}.{key}";
        Mark(field, node);
        switch (node)
        {
            case YamlSequenceNode when listable:
                if (Axis(node, field, read) is { } values) _axes.Add(new AxisSpec { Field = key, Values = [.. values.Select(toNumber)] });
                return null;
            case YamlMappingNode:
                if (Space(node, field, key) is { } axis) _axes.Add(axis);
                return null;
            default:
                return read(node, field);
        }
    }

    /// <summary>A grid field given as a distribution or a derived value instead of a list: added as an axis; true if it was one.</summary>
    public bool GridSpace(YamlNode node, string key)
    {
        if (node is not YamlMappingNode) return false;
        string field = $"grid.{key}";
        Mark(field, node);
        if (Space(node, field, key) is { } axis) _axes.Add(axis);
        return true;
    }

    static readonly string[] SpaceKeys = ["uniform", "log_uniform", "int_uniform", "choice", "value", "times"];

    /// <summary>
    /// {uniform: [a, b]}, {log_uniform: [a, b]}, {int_uniform: [a, b]}, {choice: [...]} or {value: v, times: {axis: exponent}}.
    /// Bounds, names and ranges are the planner's to judge (its errors come back with this node's position).
    /// </summary>
    AxisSpec? Space(YamlNode node, string field, string key)
    {
        var f = Fields(node, field, SpaceKeys);
        if (f is null) return null;
        var distributions = f.Keys.Where(k => k is not ("value" or "times")).ToList();
        if (distributions.Count + (f.ContainsKey("value") || f.ContainsKey("times") ? 1 : 0) != 1)
        {
            Error(node, field, "give one distribution (uniform, log_uniform, int_uniform or choice: [...]) or a derived value {value: v, times: {axis: exponent}}");
            return null;
        }
        if (distributions.Count == 1)
        {
            string distribution = distributions[0];
            var values = f[distribution];
            string at = $"{field}.{distribution}";
            if (values is not YamlSequenceNode { Children.Count: > 0 } list)
            {
                Error(values, at, $"expected a list ({(distribution == "choice" ? "the values to choose from" : "[low, high]")}), got {Describe(values)}");
                return null;
            }
            if (distribution == "choice")
            {
                var choices = list.Children.Select((c, i) => String(c, $"{at}[{i}]")).ToList();
                return choices.Any(c => c is null) ? null : new AxisSpec { Field = key, Sampled = new SampledValue { Distribution = distribution, Choices = [.. choices!] } };
            }
            if (list.Children.Count != 2)
            {
                Error(values, at, $"expected two bounds [low, high], got {list.Children.Count} values");
                return null;
            }
            double? low = Double(list.Children[0], $"{at}[0]", _ => true, ""), high = Double(list.Children[1], $"{at}[1]", _ => true, "");
            return low is null || high is null ? null
                : new AxisSpec { Field = key, Sampled = new SampledValue { Distribution = distribution, Low = low.Value, High = high.Value } };
        }
        if (!f.TryGetValue("value", out var v))
        {
            Error(node, $"{field}.value", "missing: a derived value is value × Π axis^exponent, e.g. {value: 0.1, times: {depth: -1}}");
            return null;
        }
        double? value = Double(v, $"{field}.value", _ => true, "");
        var axes = new List<string>();
        var exponents = new List<double>();
        if (f.TryGetValue("times", out var t))
        {
            if (t is not YamlMappingNode times)
            {
                Error(t, $"{field}.times", $"expected a mapping of axis to exponent ({{depth: -1}}), got {Describe(t)}");
                return null;
            }
            foreach (var (name, exponent) in times.Children)
            {
                axes.Add((name as YamlScalarNode)?.Value ?? "");
                exponents.Add(Double(exponent, $"{field}.times.{axes[^1]}", _ => true, "") ?? double.NaN);
            }
        }
        return value is null || exponents.Any(double.IsNaN) ? null
            : new AxisSpec { Field = key, Derived = new DerivedValue { Value = value.Value, Axes = [.. axes], Exponents = [.. exponents] } };
    }

    public void Error(YamlNode? node, string field, string message) =>
        _errors.Add(new SpecError(file, node is null ? 0 : (int)node.Start.Line, node is null ? 0 : (int)node.Start.Column, field, message));

    /// <summary>The mapping's values by key; unknown keys are reported with the closest valid key.</summary>
    public Dictionary<string, YamlNode>? Fields(YamlNode node, string field, params string[] keys)
    {
        if (node is not YamlMappingNode map)
        {
            Error(node, field, $"expected a mapping with keys {string.Join(", ", keys)}, got {Describe(node)}");
            return null;
        }
        var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in map.Children)
        {
            string key = (keyNode as YamlScalarNode)?.Value ?? "";
            string path = field.Length == 0 ? key : $"{field}.{key}";
            if (!keys.Contains(key))
                Error(keyNode, path, $"unknown key '{key}'{Suggest.DidYouMean(key, keys)} (valid: {string.Join(", ", keys)})");
            else
                fields[key] = value;
        }
        return fields;
    }

    public string? String(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value }) return value;
        Error(node, field, $"expected a non-empty string, got {Describe(node)}");
        return null;
    }

    public string? Choice(YamlNode node, string field, IReadOnlyList<string> allowed)
    {
        if (String(node, field) is not { } value) return null;
        if (allowed.Contains(value)) return value;
        Error(node, field, $"'{value}' is not one of {string.Join(", ", allowed)}{Suggest.DidYouMean(value, allowed)}");
        return null;
    }

    public long? Long(YamlNode node, string field, long min = long.MinValue, long max = long.MaxValue)
    {
        if (node is not YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
            || !long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
        {
            Error(node, field, $"expected an integer, got {Describe(node)}");
            return null;
        }
        if (value < min || value > max)
        {
            bool unbounded = max >= int.MaxValue; // int reads pass int.MaxValue as "no upper limit"
            Error(node, field, unbounded ? $"must be >= {min} (got {value})" : $"must be in [{min}, {max}] (got {value})");
            return null;
        }
        return value;
    }

    public int? Int(YamlNode node, string field, int min = int.MinValue, int max = int.MaxValue) =>
        (int?)Long(node, field, min, max);

    /// <summary>A finite number that satisfies <paramref name="valid"/>; <paramref name="rule"/> says what is allowed.</summary>
    public double? Double(YamlNode node, string field, Func<double, bool> valid, string rule)
    {
        if (node is not YamlScalarNode { Style: not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted) } scalar
            || !double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value))
        {
            Error(node, field, $"expected a number, got {Describe(node)}");
            return null;
        }
        if (valid(value)) return value;
        Error(node, field, $"{rule} (got {value.ToString(CultureInfo.InvariantCulture)})");
        return null;
    }

    public bool? Bool(YamlNode node, string field)
    {
        if (node is YamlScalarNode scalar && bool.TryParse(scalar.Value, out bool value)) return value;
        Error(node, field, $"expected true or false, got {Describe(node)}");
        return null;
    }

    /// <summary>A grid axis: one value or a non-empty list. Null if anything in it was invalid.</summary>
    public T[]? Axis<T>(YamlNode node, string field, Func<YamlNode, string, T?> read) where T : struct
    {
        var items = Items(node, field);
        if (items is null) return null;
        var values = new List<T>();
        bool ok = true;
        for (int i = 0; i < items.Count; i++)
        {
            if (read(items[i], node is YamlSequenceNode ? $"{field}[{i}]" : field) is { } v) values.Add(v);
            else ok = false;
        }
        return ok ? Distinct(values, node, field) : null;
    }

    /// <summary>The string flavour of <see cref="Axis{T}"/> (generic constraints cannot cover both).</summary>
    public string[]? Axis(YamlNode node, string field, Func<YamlNode, string, string?> read)
    {
        var items = Items(node, field);
        if (items is null) return null;
        var values = new List<string>();
        bool ok = true;
        for (int i = 0; i < items.Count; i++)
        {
            if (read(items[i], node is YamlSequenceNode ? $"{field}[{i}]" : field) is { } v) values.Add(v);
            else ok = false;
        }
        return ok ? Distinct(values, node, field) : null;
    }

    List<YamlNode>? Items(YamlNode node, string field)
    {
        switch (node)
        {
            case YamlSequenceNode { Children.Count: 0 }:
                Error(node, field, "empty axis: give at least one value (a single value or a list)");
                return null;
            case YamlSequenceNode seq:
                return [.. seq.Children];
            case YamlScalarNode scalar when scalar.Value is null or "" or "~" or "null":
                Error(node, field, "empty axis: give at least one value (a single value or a list)");
                return null;
            case YamlScalarNode:
                return [node];
            default:
                Error(node, field, $"expected a value or a list of values, got {Describe(node)}");
                return null;
        }
    }

    /// <summary>Duplicates would plan the same trial twice under one id, so they are an error, not a silent merge.</summary>
    T[]? Distinct<T>(List<T> values, YamlNode node, string field)
    {
        var duplicate = values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is null) return [.. values];
        Error(node, field, $"value {duplicate.Key} appears more than once");
        return null;
    }

    public static string Describe(YamlNode? node) => node switch
    {
        YamlScalarNode { Value: null or "" or "~" or "null" } => "nothing (null)",
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "nothing",
    };
}
