namespace OrleansConfusion.Cli.Spec;

/// <summary>The names a spec may use, spelt as in the YAML and the Parquet output.</summary>
internal static class SpecVocabulary
{
    public static readonly string[] Datasets = ["fashion-mnist", "mnist", "cifar10", "sphere"];
    public static readonly string[] Architectures = ["mlp", "cnn", "wrn"];
    public static readonly string[] Inits = ["gaussian", "lecun_normal", "he_normal", "glorot_normal", "glorot_uniform", "orthogonal"];
    public static readonly string[] Activations = ["relu", "tanh", "identity"];
    public static readonly string[] SphereLabels = ["teacher", "random"];

    /// <summary>Where Debian's fashion-mnist package puts the files; the engine uses it when no path is given.</summary>
    public const string FashionMnistDefaultPath = "/usr/share/datasets/fashion-mnist";
}
