using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// seeds: either an explicit list ([0, 1, 2]) or {count: n[, start: k]}. A bare number is refused:
/// "seeds: 3" reads as three seeds to some and as seed 3 to others.
/// </summary>
internal static class SeedsSection
{
    public static long[]? Read(SpecReader r, YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode:
                return r.Axis(node, "seeds", (n, p) => r.Long(n, p, 0));
            case YamlMappingNode:
                var f = r.Fields(node, "seeds", "count", "start");
                if (f is null) return null;
                if (!f.TryGetValue("count", out var c))
                {
                    r.Error(node, "seeds.count", "missing: how many seeds to run");
                    return null;
                }
                int? count = r.Int(c, "seeds.count", 1, 1000);
                long? start = f.TryGetValue("start", out var s) ? r.Long(s, "seeds.start", 0) : 0;
                return count is { } n && start is { } k ? [.. Enumerable.Range(0, n).Select(i => k + i)] : null;
            default:
                r.Error(node, "seeds", $"expected a list of seeds ([0, 1, 2]) or count: n, got {SpecReader.Describe(node)}");
                return null;
        }
    }
}
