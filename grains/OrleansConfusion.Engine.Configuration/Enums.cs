namespace OrleansConfusion.Engine.Configuration;

/// <summary>Network families the engine can build.</summary>
public enum Architecture { Mlp, Cnn, WideResNet }

/// <summary>Hidden-layer nonlinearity. <see cref="Identity"/> makes an MLP a deep linear network.</summary>
public enum Activation { Relu, Tanh, Identity }

/// <summary>Weight initialisation schemes from the paper (biases are always zero).</summary>
public enum InitScheme { Gaussian, LeCunNormal, HeNormal, GlorotNormal, GlorotUniform, Orthogonal }

/// <summary>How the synthetic unit-sphere dataset gets its labels.</summary>
public enum SphereLabels { Teacher, Random }

/// <summary>How a trial ended.</summary>
public enum TrialOutcomeStatus { Completed, Diverged, Cancelled, Failed }
