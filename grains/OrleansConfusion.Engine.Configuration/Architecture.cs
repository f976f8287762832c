namespace OrleansConfusion.Engine.Configuration;

/// <summary>Network families the engine can build.</summary>
public enum Architecture { Mlp, Cnn, WideResNet }
