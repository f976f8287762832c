namespace OrleansConfusion.Engine.Configuration;

/// <summary>Hidden-layer nonlinearity. <see cref="Identity"/> makes an MLP a deep linear network.</summary>
public enum Activation { Relu, Tanh, Identity }
