using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The grid: block. Every axis takes one value, a list, or a distribution; bias is a single switch, not an axis.</summary>
internal static class GridSection
{
    public static GridSpec Read(SpecReader r, YamlNode node)
    {
        var grid = new GridSpec();
        var f = r.Fields(node, "grid", "architecture", "width", "depth", "init", "init_scale", "batch_norm", "skip", "activation", "bias");
        if (f is null) return grid;
        if (!f.ContainsKey("width")) r.Error(node, "grid.width", "missing: give the width axis, e.g. width: [16, 64, 256]");

        // Any grid field may instead be drawn from a distribution (or init_scale derived): an axis, read by GridSpace.
        if (f.TryGetValue("architecture", out var a) && !r.GridSpace(a, "architecture") && r.Axis(a, "grid.architecture", (n, p) => r.Choice(n, p, SpecVocabulary.Architectures)) is { } archs)
            grid = grid with { Architectures = archs };
        if (f.TryGetValue("width", out var w) && !r.GridSpace(w, "width") && r.Axis(w, "grid.width", (n, p) => r.Int(n, p, 1)) is { } widths)
            grid = grid with { Widths = widths };
        if (f.TryGetValue("depth", out var d) && !r.GridSpace(d, "depth") && r.Axis(d, "grid.depth", (n, p) => r.Int(n, p, 1)) is { } depths)
            grid = grid with { Depths = depths };
        if (f.TryGetValue("init", out var i) && !r.GridSpace(i, "init") && r.Axis(i, "grid.init", (n, p) => r.Choice(n, p, SpecVocabulary.Inits)) is { } inits)
            grid = grid with { Inits = inits };
        if (f.TryGetValue("init_scale", out var s) && !r.GridSpace(s, "init_scale") && r.Axis(s, "grid.init_scale", (n, p) => r.Double(n, p, v => v > 0, "must be > 0")) is { } scales)
            grid = grid with { InitScales = scales };
        if (f.TryGetValue("batch_norm", out var bn) && !r.GridSpace(bn, "batch_norm") && r.Axis(bn, "grid.batch_norm", r.Bool) is { } batchNorm)
            grid = grid with { BatchNorm = batchNorm };
        if (f.TryGetValue("skip", out var sk) && !r.GridSpace(sk, "skip") && r.Axis(sk, "grid.skip", r.Bool) is { } skip)
            grid = grid with { Skip = skip };
        if (f.TryGetValue("activation", out var ac) && !r.GridSpace(ac, "activation") && r.Axis(ac, "grid.activation", (n, p) => r.Choice(n, p, SpecVocabulary.Activations)) is { } acts)
            grid = grid with { Activations = acts };
        if (f.TryGetValue("bias", out var b) && r.Bool(b, "grid.bias") is { } bias)
            grid = grid with { Bias = bias };
        return grid;
    }
}
