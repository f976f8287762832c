namespace OrleansConfusion.Engine.Configuration;

/// <summary>
/// Rules that reject a trial configuration before any tensor is made. Pure logic: sweeps call it to
/// report every rejected combination up front. Each message says what is allowed.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Whether the engine can train several trials of this model as one batched (fused) model: MLPs only.</summary>
    public static bool CanFuse(ModelConfig model) => model.Architecture == Architecture.Mlp;

    public static readonly IReadOnlyList<string> DatasetNames = ["fashion-mnist", "mnist", "cifar10", "sphere"];

    /// <summary>K(K−1)/2 cosines are summarised in memory: 4096 gives 8.4 M of them (67 MB).</summary>
    public const int MaxPaperBatches = 4096;

    public static IReadOnlyList<string> Validate(TrialConfig trial)
    {
        var errors = new List<string>();
        ValidateModel(trial.Model, errors);
        ValidateDataset(trial.Dataset, errors);
        ValidateTraining(trial.Training, errors);
        ValidateMeasurement(trial.Measurement, errors);

        bool images = trial.Dataset.Name != "sphere";
        if (!images && trial.Model.Architecture != Architecture.Mlp)
            errors.Add($"architecture {Name(trial.Model.Architecture)} needs image data; the sphere dataset is flat, use architecture mlp");
        return errors;
    }

    public static void ThrowIfInvalid(TrialConfig trial)
    {
        var errors = Validate(trial);
        if (errors.Count > 0)
            throw new ArgumentException("invalid trial configuration: " + string.Join("; ", errors));
    }

    /// <summary>The spelling used in specs and Parquet (mlp, cnn, wrn).</summary>
    public static string Name(Architecture a) => a switch
    {
        Architecture.Mlp => "mlp",
        Architecture.Cnn => "cnn",
        Architecture.WideResNet => "wrn",
        _ => a.ToString().ToLowerInvariant(),
    };

    static void ValidateModel(ModelConfig m, List<string> errors)
    {
        if (m.Width < 1) errors.Add($"width must be >= 1 (got {m.Width})");
        if (m.Depth < 1) errors.Add($"depth must be >= 1 (got {m.Depth})");
        if (m.Architecture == Architecture.WideResNet && m.Depth >= 1 && (m.Depth < 10 || (m.Depth - 4) % 6 != 0))
            errors.Add($"wrn depth must be of the form 6n+4 with n >= 1 (10, 16, 22, 28, ...); got {m.Depth}");
        if (m.Init == InitScheme.Gaussian && !(m.InitScale > 0))
            errors.Add($"gaussian init needs init_scale (sigma) > 0 (got {m.InitScale})");
        if (m.Init == InitScheme.Orthogonal && !(m.InitScale > 0))
            errors.Add($"orthogonal init needs init_scale (gain) > 0 (got {m.InitScale})");
        if (m.Architecture == Architecture.Cnn && m.Skip)
            errors.Add("skip connections are supported for wrn and mlp, not cnn");
        if (m.Architecture != Architecture.Mlp && m.Activation == Activation.Identity)
            errors.Add("activation identity (deep linear network) is supported for mlp only");
    }

    static void ValidateDataset(DatasetConfig d, List<string> errors)
    {
        if (!DatasetNames.Contains(d.Name))
            errors.Add($"dataset must be one of {string.Join(", ", DatasetNames)} (got '{d.Name}')");
        if (d.TrainSubset < 0) errors.Add($"train subset must be >= 0 (0 = all), got {d.TrainSubset}");
        if (d.TestSubset < 0) errors.Add($"test subset must be >= 0 (0 = all), got {d.TestSubset}");
        if (d.Name == "sphere")
        {
            if (d.SphereDimension < 2) errors.Add($"sphere dimension must be >= 2 (got {d.SphereDimension})");
            if (d.SphereTrainSamples < 1) errors.Add($"sphere train samples must be >= 1 (got {d.SphereTrainSamples})");
            if (d.SphereTestSamples < 1) errors.Add($"sphere test samples must be >= 1 (got {d.SphereTestSamples})");
            if (d.SphereClasses < 2) errors.Add($"sphere classes must be >= 2 (got {d.SphereClasses})");
        }
        if ((d.Name == "mnist" || d.Name == "cifar10") && string.IsNullOrWhiteSpace(d.Path))
            errors.Add($"dataset {d.Name} needs a path to its files (it cannot be downloaded here)");
    }

    static void ValidateTraining(TrainingConfig t, List<string> errors)
    {
        if (!(t.LearningRate > 0) || double.IsInfinity(t.LearningRate)) errors.Add($"learning rate must be > 0 (got {t.LearningRate})");
        if (t.Momentum < 0 || t.Momentum >= 1) errors.Add($"momentum must be in [0, 1) (got {t.Momentum})");
        if (t.WeightDecay < 0) errors.Add($"weight decay must be >= 0 (got {t.WeightDecay})");
        if (t.BatchSize < 1) errors.Add($"batch size must be >= 1 (got {t.BatchSize})");
        if (t.Steps < 0) errors.Add($"steps must be >= 0 (got {t.Steps})");
        if (t.Steps == 0 && t.Epochs < 1) errors.Add($"epochs must be >= 1 when steps is 0 (got {t.Epochs})");
        if (t.LrDecayFactor <= 0 || t.LrDecayFactor > 1) errors.Add($"lr decay factor must be in (0, 1] (got {t.LrDecayFactor})");
        if (t.LrDecayEpochs.Any(e => e < 1)) errors.Add("lr decay epochs must be >= 1");
        if (t.TargetLoss < 0) errors.Add($"target loss must be >= 0 (got {t.TargetLoss})");
    }

    static void ValidateMeasurement(MeasurementConfig m, List<string> errors)
    {
        if (m.EveryNSteps < 0) errors.Add($"measurement every_n_steps must be >= 0 (got {m.EveryNSteps})");
        if (m.PaperPairs < 0) errors.Add($"paper_pairs must be >= 0 (got {m.PaperPairs})");
        if ((m.PaperPairs > 0 || m.PaperBatches > 0) && m.PaperBatch < 1) errors.Add($"paper_batch must be >= 1 (got {m.PaperBatch})");
        if (m.PaperBatches is < 0 or 1 or > MaxPaperBatches)
            errors.Add($"paper_batches must be 0 (off) or between 2 and {MaxPaperBatches} (got {m.PaperBatches})");
        if (m.PerSampleM == 1 || m.PerSampleM < 0) errors.Add($"per_sample_m must be 0 (off) or >= 2 (got {m.PerSampleM})");
        if (m.EvalSubset < 1) errors.Add($"eval subset must be >= 1 (got {m.EvalSubset})");
        if (m.HistogramBins < 1 || m.HistogramBins > 1000) errors.Add($"histogram bins must be in [1, 1000] (got {m.HistogramBins})");
    }
}
