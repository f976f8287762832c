using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Maps the wire specs (names as strings) onto the engine's typed configuration. Unknown names are
/// reported with the allowed values instead of being guessed; range rules stay in the engine's
/// <see cref="ConfigValidator"/>, so there is one source of truth for them.
/// </summary>
public static class TrialConfigMapper
{
    /// <exception cref="ArgumentException">A name is unknown; the message lists every allowed value.</exception>
    public static TrialConfig ToConfig(TrialSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<string>();
        var config = ToConfig(spec.Model, spec.Dataset, spec.Training, spec.Measurement, spec.Seed, errors);
        if (errors.Count > 0) throw new ArgumentException(string.Join("; ", errors), nameof(spec));
        return config;
    }

    /// <summary>Maps what it can and appends one message per unknown name to <paramref name="errors"/>.</summary>
    public static TrialConfig ToConfig(
        ModelSpec model, DatasetSpec dataset, TrainingSpec training, MeasurementSpec measurement, long seed, List<string> errors) =>
        new()
        {
            Model = MapModel(model, errors),
            Dataset = MapDataset(dataset, errors),
            Training = MapTraining(training),
            Measurement = MapMeasurement(measurement),
            Seed = seed,
        };

    public static ModelConfig MapModel(ModelSpec m, List<string> errors)
    {
        var architecture = Lookup(SpecNames.Architectures, m.Architecture, "architecture", errors);
        var init = Lookup(SpecNames.Inits, m.Init, "init", errors);
        var activation = Lookup(SpecNames.Activations, m.Activation, "activation", errors);
        return new ModelConfig
        {
            Architecture = architecture,
            Width = m.Width,
            Depth = m.Depth,
            Init = init,
            InitScale = m.InitScale,
            BatchNorm = m.BatchNorm,
            Skip = m.Skip,
            Activation = activation,
            Bias = m.Bias,
        };
    }

    public static DatasetConfig MapDataset(DatasetSpec d, List<string> errors) => new()
    {
        // The name is checked (with its allowed list) by ConfigValidator; only normalise it here.
        Name = SpecNames.Normalize(d.Name),
        Path = string.IsNullOrWhiteSpace(d.Path) ? null : d.Path,
        TrainSubset = d.TrainSubset,
        TestSubset = d.TestSubset,
        SubsetSeed = d.SubsetSeed,
        SphereDimension = d.SphereDimension,
        SphereTrainSamples = d.SphereTrainSamples,
        SphereTestSamples = d.SphereTestSamples,
        SphereClasses = d.SphereClasses,
        SphereLabels = Lookup(SpecNames.SphereLabelKinds, d.SphereLabels, "dataset sphere_labels", errors),
    };

    public static TrainingConfig MapTraining(TrainingSpec t) => new()
    {
        LearningRate = t.LearningRate,
        Momentum = t.Momentum,
        WeightDecay = t.WeightDecay,
        BatchSize = t.BatchSize,
        Epochs = t.Epochs,
        Steps = t.Steps,
        LrDecayEpochs = t.LrDecayEpochs ?? [],
        LrDecayFactor = t.LrDecayFactor,
        TargetLoss = t.TargetLoss,
    };

    public static MeasurementConfig MapMeasurement(MeasurementSpec m) => new()
    {
        EveryNSteps = m.EveryNSteps,
        EachEpoch = m.EachEpoch,
        PaperPairs = m.PaperPairs,
        PaperBatch = m.PaperBatch,
        PaperBatches = m.PaperBatches,
        PerSampleM = m.PerSampleM,
        EvalSubset = m.EvalSubset,
        HistogramBins = m.HistogramBins,
    };

    static T Lookup<T>(IReadOnlyDictionary<string, T> table, string? name, string field, List<string> errors) where T : struct
    {
        if (SpecNames.TryGet(table, name, out var value)) return value;
        errors.Add($"unknown {field} '{name}'; allowed: {SpecNames.Allowed(table)}");
        return default;
    }
}
