using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The grid: block. Every axis takes one value or a list; bias is a single switch, not an axis.</summary>
internal static class GridSection
{
    public static GridSpec Read(SpecReader r, YamlNode node)
    {
        var grid = new GridSpec();
        var f = r.Fields(node, "grid", "architecture", "width", "depth", "init", "init_scale", "batch_norm", "skip", "activation", "bias");
        if (f is null) return grid;
        if (!f.ContainsKey("width")) r.Error(node, "grid.width", "missing: give the width axis, e.g. width: [16, 64, 256]");

        if (f.TryGetValue("architecture", out var a) && r.Axis(a, "grid.architecture", (n, p) => r.Choice(n, p, SpecVocabulary.Architectures)) is { } archs)
            grid = grid with { Architectures = archs };
        if (f.TryGetValue("width", out var w) && r.Axis(w, "grid.width", (n, p) => r.Int(n, p, 1)) is { } widths)
            grid = grid with { Widths = widths };
        if (f.TryGetValue("depth", out var d) && r.Axis(d, "grid.depth", (n, p) => r.Int(n, p, 1)) is { } depths)
            grid = grid with { Depths = depths };
        if (f.TryGetValue("init", out var i) && r.Axis(i, "grid.init", (n, p) => r.Choice(n, p, SpecVocabulary.Inits)) is { } inits)
            grid = grid with { Inits = inits };
        if (f.TryGetValue("init_scale", out var s) && r.Axis(s, "grid.init_scale", (n, p) => r.Double(n, p, v => v > 0, "must be > 0")) is { } scales)
            grid = grid with { InitScales = scales };
        if (f.TryGetValue("batch_norm", out var bn) && r.Axis(bn, "grid.batch_norm", r.Bool) is { } batchNorm)
            grid = grid with { BatchNorm = batchNorm };
        if (f.TryGetValue("skip", out var sk) && r.Axis(sk, "grid.skip", r.Bool) is { } skip)
            grid = grid with { Skip = skip };
        if (f.TryGetValue("activation", out var ac) && r.Axis(ac, "grid.activation", (n, p) => r.Choice(n, p, SpecVocabulary.Activations)) is { } acts)
            grid = grid with { Activations = acts };
        if (f.TryGetValue("bias", out var b) && r.Bool(b, "grid.bias") is { } bias)
            grid = grid with { Bias = bias };
        return grid;
    }
}
