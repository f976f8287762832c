using System.Text.RegularExpressions;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Finds the metric names a PromQL expression reads. Good enough for dashboards: strips strings,
/// label matchers, ranges and grouping clauses, then takes identifiers that are not calls or keywords.
/// </summary>
public static partial class PromQl
{
    static readonly HashSet<string> Keywords = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan"];

    public static IReadOnlySet<string> MetricNames(string expr)
    {
        var text = Strings().Replace(expr, " ");
        text = Braces().Replace(text, " ");
        text = Brackets().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        return Identifier().Matches(text)
            .Where(m => !Keywords.Contains(m.Value.ToLowerInvariant()) && !IsCall(text, m.Index + m.Length))
            .Select(m => m.Value)
            .ToHashSet();
    }

    static bool IsCall(string text, int end)
    {
        while (end < text.Length && char.IsWhiteSpace(text[end])) end++;
        return end < text.Length && text[end] == '(';
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Braces();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // Grafana variables ($sweep, $__rate_interval) are not names; numbers are not identifiers.
    [GeneratedRegex(@"(?<![\w$.])[A-Za-z_:][A-Za-z0-9_:]*")]
    private static partial Regex Identifier();
}
