using System.Text.Json.Serialization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The configuration columns shared by trials.parquet and metrics.parquet (repeated in metrics so a
/// reader can filter measurements without a join). Names are the spec spellings in snake_case. The
/// serializer writes a row class's own columns first and these after them.
/// </summary>
public abstract class ConfigurationColumns
{
    [JsonPropertyName("trial_id")] public string TrialId { get; set; } = "";
    [JsonPropertyName("sweep_id")] public string SweepId { get; set; } = "";
    [JsonPropertyName("architecture")] public string Architecture { get; set; } = "";
    [JsonPropertyName("width")] public int Width { get; set; }
    [JsonPropertyName("depth")] public int Depth { get; set; }
    [JsonPropertyName("init")] public string Init { get; set; } = "";
    [JsonPropertyName("init_scale")] public double InitScale { get; set; }
    [JsonPropertyName("batch_norm")] public bool BatchNorm { get; set; }
    [JsonPropertyName("skip")] public bool Skip { get; set; }
    [JsonPropertyName("activation")] public string Activation { get; set; } = "";
    [JsonPropertyName("bias")] public bool Bias { get; set; }
    [JsonPropertyName("seed")] public long Seed { get; set; }
    [JsonPropertyName("dataset")] public string Dataset { get; set; } = "";
    [JsonPropertyName("train_subset")] public int TrainSubset { get; set; }
    [JsonPropertyName("test_subset")] public int TestSubset { get; set; }
    [JsonPropertyName("subset_seed")] public long SubsetSeed { get; set; }
    [JsonPropertyName("lr")] public double Lr { get; set; }
    [JsonPropertyName("momentum")] public double Momentum { get; set; }
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; set; }
    [JsonPropertyName("batch_size")] public int BatchSize { get; set; }
    [JsonPropertyName("epochs")] public int Epochs { get; set; }
    [JsonPropertyName("steps")] public int Steps { get; set; }
    [JsonPropertyName("lr_decay_factor")] public double LrDecayFactor { get; set; }

    protected void SetConfiguration(TrialSpec t)
    {
        TrialId = t.TrialId;
        SweepId = t.SweepId;
        Architecture = t.Model.Architecture;
        Width = t.Model.Width;
        Depth = t.Model.Depth;
        Init = t.Model.Init;
        InitScale = t.Model.InitScale;
        BatchNorm = t.Model.BatchNorm;
        Skip = t.Model.Skip;
        Activation = t.Model.Activation;
        Bias = t.Model.Bias;
        Seed = t.Seed;
        Dataset = t.Dataset.Name;
        TrainSubset = t.Dataset.TrainSubset;
        TestSubset = t.Dataset.TestSubset;
        SubsetSeed = t.Dataset.SubsetSeed;
        Lr = t.Training.LearningRate;
        Momentum = t.Training.Momentum;
        WeightDecay = t.Training.WeightDecay;
        BatchSize = t.Training.BatchSize;
        Epochs = t.Training.Epochs;
        Steps = t.Training.Steps;
        LrDecayFactor = t.Training.LrDecayFactor;
    }

    /// <summary>Parquet has no NaN convention readers agree on; "no value" is a null.</summary>
    protected static double? Finite(double v) => double.IsFinite(v) ? v : null;
}
