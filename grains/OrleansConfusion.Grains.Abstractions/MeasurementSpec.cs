namespace OrleansConfusion.Grains.Abstractions;

/// <summary>When and how confusion is measured (see the engine's MeasurementConfig).</summary>
[GenerateSerializer, Immutable]
public sealed record MeasurementSpec
{
    [Id(0)] public int EveryNSteps { get; init; }
    [Id(1)] public bool EachEpoch { get; init; } = true;
    [Id(2)] public int PaperPairs { get; init; } = 100;
    [Id(3)] public int PaperBatch { get; init; } = 128;
    [Id(4)] public int PerSampleM { get; init; } = 128;
    [Id(5)] public int EvalSubset { get; init; } = 1024;
    [Id(6)] public int HistogramBins { get; init; } = 20;
    [Id(7)] public int PaperBatches { get; init; }
}
