namespace OrleansConfusion.Engine.Configuration;

/// <summary>The network of one trial: architecture, width, depth, init and the BN/skip ablation switches.</summary>
public sealed record ModelConfig
{
    public Architecture Architecture { get; init; } = Architecture.Mlp;

    /// <summary>MLP: hidden units per layer. CNN: channel multiplier. WRN: width factor k.</summary>
    public int Width { get; init; } = 64;

    /// <summary>MLP/CNN: number of hidden layers. WRN: total depth, of the form 6n+4.</summary>
    public int Depth { get; init; } = 2;

    public Activation Activation { get; init; } = Activation.Relu;

    public InitScheme Init { get; init; } = InitScheme.HeNormal;

    /// <summary>σ for <see cref="InitScheme.Gaussian"/>; gain for <see cref="InitScheme.Orthogonal"/>; ignored otherwise.</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary>Batch normalisation after each hidden linear/conv layer, before its activation (every architecture).</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Residual (skip) connections (WRN; for MLP they join equal-width hidden layers).</summary>
    public bool Skip { get; init; }

    /// <summary>Whether linear/conv layers carry a bias.</summary>
    public bool Bias { get; init; } = true;
}
