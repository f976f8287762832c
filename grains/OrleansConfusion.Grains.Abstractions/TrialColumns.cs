using System.ComponentModel;
using System.Text.Json.Serialization;

namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// The configuration columns every row of a trial carries in the Parquet dataset (measurements and outcomes alike), so
/// a reader filters any of them without a join. One definition: the same properties, with their [Id]s, serve the
/// wire (Orleans), the record (JSON lines) and Parquet; the JSON and Parquet names are the [JsonPropertyName]s, and
/// docs/PARQUET_SCHEMA.md is generated from the [Description]s.
/// In a file they follow the row's own columns (Parquet.Net puts a derived type's properties first). A row sent by a trial carries only its trial id here;
/// the coordinator adds the rest from the trial's spec (<see cref="WithConfiguration"/>) before it writes the row.
/// </summary>
[GenerateSerializer, Immutable]
public abstract record TrialColumns
{
    [Id(0), JsonPropertyName("trial_id"), Description("Deterministic trial id: first 16 hex chars of SHA-256 of the canonical configuration + seed")]
    public string TrialId { get; init; } = "";

    [Id(1), JsonPropertyName("sweep_id"), Description("Sweep id (the spec's name)")]
    public string SweepId { get; init; } = "";

    [Id(2), JsonPropertyName("architecture"), Description("mlp, cnn or wrn")]
    public string Architecture { get; init; } = "";

    [Id(3), JsonPropertyName("width"), Description("MLP hidden units, CNN channel multiplier, WRN width factor k")]
    public int Width { get; init; }

    [Id(4), JsonPropertyName("depth"), Description("MLP/CNN hidden layers; WRN total depth (6n+4)")]
    public int Depth { get; init; }

    [Id(5), JsonPropertyName("init"), Description("gaussian, lecun_normal, he_normal, glorot_normal, glorot_uniform or orthogonal")]
    public string Init { get; init; } = "";

    [Id(6), JsonPropertyName("init_scale"), Description("sigma (gaussian) or gain (orthogonal); ignored by the other inits")]
    public double InitScale { get; init; }

    [Id(7), JsonPropertyName("batch_norm"), Description("Batch normalisation after hidden layers")]
    public bool BatchNorm { get; init; }

    [Id(8), JsonPropertyName("skip"), Description("Residual connections")]
    public bool Skip { get; init; }

    [Id(9), JsonPropertyName("activation"), Description("relu, tanh or identity")]
    public string Activation { get; init; } = "";

    [Id(10), JsonPropertyName("bias"), Description("Layers carry a bias")]
    public bool Bias { get; init; }

    [Id(11), JsonPropertyName("seed"), Description("Trial seed (init, data order, measurement draws)")]
    public long Seed { get; init; }

    [Id(12), JsonPropertyName("dataset"), Description("fashion-mnist, mnist, cifar10 or sphere")]
    public string Dataset { get; init; } = "";

    [Id(13), JsonPropertyName("train_subset"), Description("Training samples kept (0 = all)")]
    public int TrainSubset { get; init; }

    [Id(14), JsonPropertyName("test_subset"), Description("Test samples kept (0 = all)")]
    public int TestSubset { get; init; }

    [Id(15), JsonPropertyName("subset_seed"), Description("Seed of the subsets' draw (a data replicate)")]
    public long SubsetSeed { get; init; }

    [Id(16), JsonPropertyName("lr"), Description("Initial SGD learning rate")]
    public double Lr { get; init; }

    [Id(17), JsonPropertyName("momentum"), Description("SGD momentum")]
    public double Momentum { get; init; }

    [Id(18), JsonPropertyName("weight_decay"), Description("L2 weight decay")]
    public double WeightDecay { get; init; }

    [Id(19), JsonPropertyName("batch_size"), Description("SGD mini-batch size")]
    public int BatchSize { get; init; }

    [Id(20), JsonPropertyName("epochs"), Description("Configured epochs (ignored when steps > 0)")]
    public int Epochs { get; init; }

    [Id(21), JsonPropertyName("steps"), Description("Configured SGD steps (0 = train for epochs)")]
    public int Steps { get; init; }

    [Id(22), JsonPropertyName("lr_decay_factor"), Description("Factor the learning rate is multiplied by at each decay epoch")]
    public double LrDecayFactor { get; init; }

    /// <summary>This row with the configuration columns of <paramref name="t"/> (its own columns unchanged).</summary>
    public TrialColumns WithConfiguration(TrialSpec t) => this with
    {
        TrialId = t.TrialId,
        SweepId = t.SweepId,
        Architecture = t.Model.Architecture,
        Width = t.Model.Width,
        Depth = t.Model.Depth,
        Init = t.Model.Init,
        InitScale = t.Model.InitScale,
        BatchNorm = t.Model.BatchNorm,
        Skip = t.Model.Skip,
        Activation = t.Model.Activation,
        Bias = t.Model.Bias,
        Seed = t.Seed,
        Dataset = t.Dataset.Name,
        TrainSubset = t.Dataset.TrainSubset,
        TestSubset = t.Dataset.TestSubset,
        SubsetSeed = t.Dataset.SubsetSeed,
        Lr = t.Training.LearningRate,
        Momentum = t.Training.Momentum,
        WeightDecay = t.Training.WeightDecay,
        BatchSize = t.Training.BatchSize,
        Epochs = t.Training.Epochs,
        Steps = t.Training.Steps,
        LrDecayFactor = t.Training.LrDecayFactor,
    };

    /// <summary>Parquet has no NaN convention readers agree on; "no value" is a null.</summary>
    public static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
