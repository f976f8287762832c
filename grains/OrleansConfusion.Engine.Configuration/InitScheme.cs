namespace OrleansConfusion.Engine.Configuration;

/// <summary>Weight initialisation schemes from the paper (biases are always zero).</summary>
public enum InitScheme { Gaussian, LeCunNormal, HeNormal, GlorotNormal, GlorotUniform, Orthogonal }
