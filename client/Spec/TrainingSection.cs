using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The training: block: plain SGD settings, each a value or an axis (a list, a distribution, a derived value).</summary>
internal static class TrainingSection
{
    public static TrainingSpec Read(SpecReader r, YamlNode node)
    {
        var t = new TrainingSpec();
        var f = r.Fields(node, "training", "lr", "momentum", "weight_decay", "batch_size", "epochs", "steps", "lr_decay_epochs", "lr_decay_factor", "target_loss");
        if (f is null) return t;
        // Each scalar may also be a list (an axis), a distribution or a derived value (see SpecReader.AxisOrScalar).
        double? Real(string key, Func<double, bool> valid, string rule) =>
            f.TryGetValue(key, out var n) ? r.AxisOrScalar(n, "training", key, (x, p) => r.Double(x, p, valid, rule), v => v) : null;
        int? Whole(string key, int min) =>
            f.TryGetValue(key, out var n) ? r.AxisOrScalar(n, "training", key, (x, p) => r.Int(x, p, min), v => v) : null;

        if (Real("lr", v => v > 0, "must be > 0") is { } rate) t = t with { LearningRate = rate };
        if (Real("momentum", v => v is >= 0 and < 1, "must be in [0, 1)") is { } momentum) t = t with { Momentum = momentum };
        if (Real("weight_decay", v => v >= 0, "must be >= 0") is { } decay) t = t with { WeightDecay = decay };
        if (Whole("batch_size", 1) is { } batch) t = t with { BatchSize = batch };
        if (Whole("steps", 0) is { } steps) t = t with { Steps = steps };
        // With a step budget, epochs only bounds the run, so 0 is allowed there; otherwise it is the budget.
        if (Whole("epochs", t.Steps > 0 || r.Axes.Any(a => a.Field == "steps") ? 0 : 1) is { } epochs) t = t with { Epochs = epochs };
        if (f.TryGetValue("lr_decay_epochs", out var de))
        {
            int[]? decayEpochs = de is YamlSequenceNode { Children.Count: 0 } ? [] : r.Axis(de, "training.lr_decay_epochs", (n, p) => r.Int(n, p, 1));
            if (decayEpochs is not null) t = t with { LrDecayEpochs = decayEpochs };
        }
        if (Real("lr_decay_factor", v => v is > 0 and <= 1, "must be in (0, 1]") is { } factor) t = t with { LrDecayFactor = factor };
        if (f.TryGetValue("target_loss", out var tl) && r.Double(tl, "training.target_loss", v => v >= 0, "must be >= 0") is { } target) t = t with { TargetLoss = target };
        return t;
    }
}
