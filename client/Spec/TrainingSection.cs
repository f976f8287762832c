using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>The training: block (plain SGD settings shared by every trial).</summary>
internal static class TrainingSection
{
    public static TrainingSpec Read(SpecReader r, YamlNode node)
    {
        var t = new TrainingSpec();
        var f = r.Fields(node, "training", "lr", "momentum", "weight_decay", "batch_size", "epochs", "steps", "lr_decay_epochs", "lr_decay_factor", "target_loss");
        if (f is null) return t;
        if (f.TryGetValue("lr", out var lr) && r.Double(lr, "training.lr", v => v > 0, "must be > 0") is { } rate) t = t with { LearningRate = rate };
        if (f.TryGetValue("momentum", out var m) && r.Double(m, "training.momentum", v => v is >= 0 and < 1, "must be in [0, 1)") is { } momentum) t = t with { Momentum = momentum };
        if (f.TryGetValue("weight_decay", out var wd) && r.Double(wd, "training.weight_decay", v => v >= 0, "must be >= 0") is { } decay) t = t with { WeightDecay = decay };
        if (f.TryGetValue("batch_size", out var bs) && r.Int(bs, "training.batch_size", 1) is { } batch) t = t with { BatchSize = batch };
        if (f.TryGetValue("steps", out var st) && r.Int(st, "training.steps", 0) is { } steps) t = t with { Steps = steps };
        // With a step budget, epochs only bounds the run, so 0 is allowed there; otherwise it is the budget.
        if (f.TryGetValue("epochs", out var ep) && r.Int(ep, "training.epochs", t.Steps > 0 ? 0 : 1) is { } epochs) t = t with { Epochs = epochs };
        if (f.TryGetValue("lr_decay_epochs", out var de))
        {
            int[]? decayEpochs = de is YamlSequenceNode { Children.Count: 0 } ? [] : r.Axis(de, "training.lr_decay_epochs", (n, p) => r.Int(n, p, 1));
            if (decayEpochs is not null) t = t with { LrDecayEpochs = decayEpochs };
        }
        if (f.TryGetValue("lr_decay_factor", out var df) && r.Double(df, "training.lr_decay_factor", v => v is > 0 and <= 1, "must be in (0, 1]") is { } factor) t = t with { LrDecayFactor = factor };
        if (f.TryGetValue("target_loss", out var tl) && r.Double(tl, "training.target_loss", v => v >= 0, "must be >= 0") is { } target) t = t with { TargetLoss = target };
        return t;
    }
}
