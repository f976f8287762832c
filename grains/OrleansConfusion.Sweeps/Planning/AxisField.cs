using System.Globalization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// A field of a sweep that can be an axis: its spec section, what values it takes, what may be done with it (a list:
/// training and dataset fields, whose grid siblings have lists of their own; derived: the real-valued ones), and how
/// to read and set it on a <see cref="TrialPoint"/>. The table is <see cref="All"/>.
/// </summary>
internal sealed record AxisField(string Name, string Section, AxisKind Kind, bool Listable, bool Derivable,
    Func<TrialPoint, double> Read, Func<TrialPoint, string, TrialPoint> Write)
{
    public string Path => $"{Section}.{Name}";

    public bool IsNumeric => Kind is AxisKind.Double or AxisKind.Integer;

    public static readonly IReadOnlyDictionary<string, AxisField> All = new[]
    {
        Grid("architecture", AxisKind.Name, _ => double.NaN, (p, v) => p with { Model = p.Model with { Architecture = SpecNames.Normalize(v) } }),
        Grid("width", AxisKind.Integer, p => p.Model.Width, (p, v) => p with { Model = p.Model with { Width = Int(v) } }),
        Grid("depth", AxisKind.Integer, p => p.Model.Depth, (p, v) => p with { Model = p.Model with { Depth = Int(v) } }),
        Grid("init", AxisKind.Name, _ => double.NaN, (p, v) => p with { Model = p.Model with { Init = SpecNames.Normalize(v) } }),
        Grid("init_scale", AxisKind.Double, p => p.Model.InitScale, (p, v) => p with { Model = p.Model with { InitScale = Real(v) } }, derivable: true),
        Grid("batch_norm", AxisKind.Switch, p => p.Model.BatchNorm ? 1 : 0, (p, v) => p with { Model = p.Model with { BatchNorm = Switch(v) } }),
        Grid("skip", AxisKind.Switch, p => p.Model.Skip ? 1 : 0, (p, v) => p with { Model = p.Model with { Skip = Switch(v) } }),
        Grid("activation", AxisKind.Name, _ => double.NaN, (p, v) => p with { Model = p.Model with { Activation = SpecNames.Normalize(v) } }),
        Training("lr", AxisKind.Double, p => p.Training.LearningRate, (p, v) => p with { Training = p.Training with { LearningRate = Real(v) } }, derivable: true),
        Training("momentum", AxisKind.Double, p => p.Training.Momentum, (p, v) => p with { Training = p.Training with { Momentum = Real(v) } }, derivable: true),
        Training("weight_decay", AxisKind.Double, p => p.Training.WeightDecay, (p, v) => p with { Training = p.Training with { WeightDecay = Real(v) } }, derivable: true),
        Training("batch_size", AxisKind.Integer, p => p.Training.BatchSize, (p, v) => p with { Training = p.Training with { BatchSize = Int(v) } }),
        Training("epochs", AxisKind.Integer, p => p.Training.Epochs, (p, v) => p with { Training = p.Training with { Epochs = Int(v) } }),
        Training("steps", AxisKind.Integer, p => p.Training.Steps, (p, v) => p with { Training = p.Training with { Steps = Int(v) } }),
        Training("lr_decay_factor", AxisKind.Double, p => p.Training.LrDecayFactor, (p, v) => p with { Training = p.Training with { LrDecayFactor = Real(v) } }, derivable: true),
        Dataset("train_subset", p => p.Dataset.TrainSubset, (p, v) => p with { Dataset = p.Dataset with { TrainSubset = Int(v) } }),
        Dataset("test_subset", p => p.Dataset.TestSubset, (p, v) => p with { Dataset = p.Dataset with { TestSubset = Int(v) } }),
        Dataset("subset_seed", p => p.Dataset.SubsetSeed, (p, v) => p with { Dataset = p.Dataset with { SubsetSeed = long.Parse(v, CultureInfo.InvariantCulture) } }),
    }.ToDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>A value of this field as written in the spec and in messages ("0.1", "64", "he_normal", "true").</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    static AxisField Grid(string name, AxisKind kind, Func<TrialPoint, double> read, Func<TrialPoint, string, TrialPoint> write, bool derivable = false) =>
        new(name, "grid", kind, Listable: false, derivable, read, write);

    static AxisField Training(string name, AxisKind kind, Func<TrialPoint, double> read, Func<TrialPoint, string, TrialPoint> write, bool derivable = false) =>
        new(name, "training", kind, Listable: true, derivable, read, write);

    static AxisField Dataset(string name, Func<TrialPoint, double> read, Func<TrialPoint, string, TrialPoint> write) =>
        new(name, "dataset", AxisKind.Integer, Listable: true, Derivable: false, read, write);

    static double Real(string v) => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);

    static int Int(string v) => checked((int)Math.Round(Real(v)));

    static bool Switch(string v) => v is "true" or "1";
}
