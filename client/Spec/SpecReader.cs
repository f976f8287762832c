using System.Globalization;
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

    public IReadOnlyList<SpecError> Errors => _errors;

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
