namespace OrleansConfusion.Grains.Abstractions;

/// <summary>One point of the grid: the network of one trial.</summary>
[GenerateSerializer, Immutable]
public sealed record ModelSpec
{
    [Id(0)] public string Architecture { get; init; } = "mlp";
    [Id(1)] public int Width { get; init; }
    [Id(2)] public int Depth { get; init; }
    [Id(3)] public string Init { get; init; } = "he_normal";
    [Id(4)] public double InitScale { get; init; } = 1.0;
    [Id(5)] public bool BatchNorm { get; init; }
    [Id(6)] public bool Skip { get; init; }
    [Id(7)] public string Activation { get; init; } = "relu";
    [Id(8)] public bool Bias { get; init; } = true;
}
