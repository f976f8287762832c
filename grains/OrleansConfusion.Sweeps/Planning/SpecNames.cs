using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The spellings used in specs and Parquet for the engine's enums. One table per enum, so the mapper
/// and the error messages ("allowed: ...") cannot drift apart.
/// </summary>
internal static class SpecNames
{
    public static readonly IReadOnlyDictionary<string, Architecture> Architectures = new Dictionary<string, Architecture>
    {
        ["mlp"] = Architecture.Mlp,
        ["cnn"] = Architecture.Cnn,
        ["wrn"] = Architecture.WideResNet,
    };

    public static readonly IReadOnlyDictionary<string, InitScheme> Inits = new Dictionary<string, InitScheme>
    {
        ["gaussian"] = InitScheme.Gaussian,
        ["lecun_normal"] = InitScheme.LeCunNormal,
        ["he_normal"] = InitScheme.HeNormal,
        ["glorot_normal"] = InitScheme.GlorotNormal,
        ["glorot_uniform"] = InitScheme.GlorotUniform,
        ["orthogonal"] = InitScheme.Orthogonal,
    };

    public static readonly IReadOnlyDictionary<string, Activation> Activations = new Dictionary<string, Activation>
    {
        ["relu"] = Activation.Relu,
        ["tanh"] = Activation.Tanh,
        ["identity"] = Activation.Identity,
    };

    public static readonly IReadOnlyDictionary<string, SphereLabels> SphereLabelKinds = new Dictionary<string, SphereLabels>
    {
        ["teacher"] = SphereLabels.Teacher,
        ["random"] = SphereLabels.Random,
    };

    /// <summary>Whether the init reads init_scale (σ for gaussian, gain for orthogonal); others ignore it.</summary>
    public static bool UsesScale(string init) => init is "gaussian" or "orthogonal";

    public static string Normalize(string? name) => (name ?? "").Trim().ToLowerInvariant();

    public static bool TryGet<T>(IReadOnlyDictionary<string, T> table, string? name, out T value) =>
        table.TryGetValue(Normalize(name), out value!);

    public static string Allowed<T>(IReadOnlyDictionary<string, T> table) => string.Join(", ", table.Keys);
}
