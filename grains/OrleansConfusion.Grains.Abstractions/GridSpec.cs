namespace OrleansConfusion.Grains.Abstractions;

/// <summary>The axes of a sweep; every list must be non-empty. Names are the spec/Parquet spellings.</summary>
[GenerateSerializer, Immutable]
public sealed record GridSpec
{
    /// <summary>mlp, cnn, wrn.</summary>
    [Id(0)] public string[] Architectures { get; init; } = ["mlp"];
    [Id(1)] public int[] Widths { get; init; } = [64];
    [Id(2)] public int[] Depths { get; init; } = [2];

    /// <summary>gaussian, lecun_normal, he_normal, glorot_normal, glorot_uniform, orthogonal.</summary>
    [Id(3)] public string[] Inits { get; init; } = ["he_normal"];

    /// <summary>σ for gaussian, gain for orthogonal (ignored by the other inits).</summary>
    [Id(4)] public double[] InitScales { get; init; } = [1.0];
    [Id(5)] public bool[] BatchNorm { get; init; } = [false];
    [Id(6)] public bool[] Skip { get; init; } = [false];

    /// <summary>relu, tanh, identity.</summary>
    [Id(7)] public string[] Activations { get; init; } = ["relu"];
    [Id(8)] public bool Bias { get; init; } = true;
}
