namespace OrleansConfusion.Engine.Configuration;

/// <summary>When and how gradient confusion is measured during a trial.</summary>
public sealed record MeasurementConfig
{
    /// <summary>Measure every N SGD steps (0 = never by step count).</summary>
    public int EveryNSteps { get; init; }

    /// <summary>Measure at the end of each epoch (the paper's protocol), and always once before training.</summary>
    public bool EachEpoch { get; init; } = true;

    /// <summary>Paper protocol: number of random mini-batch pairs (0 disables it). The paper uses 100.</summary>
    public int PaperPairs { get; init; } = 100;

    /// <summary>
    /// All-pairs paper protocol: K mini-batch gradients (of <see cref="PaperBatch"/> samples) and the cosines
    /// of all K(K−1)/2 pairs of them (0 disables it). Runs beside <see cref="PaperPairs"/>.
    /// </summary>
    public int PaperBatches { get; init; }

    /// <summary>Paper protocol (both forms): mini-batch size. The paper uses 128.</summary>
    public int PaperBatch { get; init; } = 128;

    /// <summary>Per-sample Gram: number of samples M (0 disables it).</summary>
    public int PerSampleM { get; init; } = 128;

    /// <summary>Fixed subset of the training set on which train loss/accuracy are evaluated.</summary>
    public int EvalSubset { get; init; } = 1024;

    /// <summary>Number of equal-width histogram bins over [-1, 1] for the pairwise cosines.</summary>
    public int HistogramBins { get; init; } = 20;
}
