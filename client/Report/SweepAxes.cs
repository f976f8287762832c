using System.Globalization;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The configuration columns that can vary across a sweep's trials (the seed aside), spelt as in the
/// Parquet output, and how their values sort and print.
/// </summary>
internal static class SweepAxes
{
    public const string Architecture = "architecture";
    public const string Dataset = "dataset";
    public const string Width = "width";
    public const string Depth = "depth";
    public const string Init = "init";
    public const string InitScale = "init_scale";
    public const string BatchNorm = "batch_norm";
    public const string Skip = "skip";
    public const string Activation = "activation";
    public const string Bias = "bias";
    public const string LearningRate = "lr";

    /// <summary>Axes of training and data (#24): any of them with more than one value slices the report like the grid's.</summary>
    static readonly string[] TrainingAxes = [LearningRate, "momentum", "weight_decay", "batch_size", "epochs", "steps", "lr_decay_factor", "train_subset", "test_subset", "subset_seed"];

    /// <summary>Every axis, in the order they are named in titles.</summary>
    public static readonly string[] All = [Architecture, Dataset, Width, Depth, Init, InitScale, BatchNorm, Skip, Activation, Bias, .. TrainingAxes];

    /// <summary>Axes whose absence makes the trials unusable.</summary>
    public static readonly string[] Required = [Architecture, Width, Depth, Init, BatchNorm, Skip, Activation];

    static readonly HashSet<string> NumericAxes = [Width, Depth, InitScale, .. TrainingAxes];
    static readonly HashSet<string> BooleanAxes = [BatchNorm, Skip, Bias];

    /// <summary>A sortable number for a value: the number itself, 0/1 for switches, NaN for names.</summary>
    public static double Numeric(string axis, string value)
    {
        if (BooleanAxes.Contains(axis)) return value == "true" ? 1 : 0;
        return NumericAxes.Contains(axis) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) ? d : double.NaN;
    }

    public static IEnumerable<string> Sort(string axis, IEnumerable<string> values) =>
        NumericAxes.Contains(axis) || BooleanAxes.Contains(axis)
            ? values.OrderBy(v => Numeric(axis, v))
            : values.Order(StringComparer.Ordinal);

    /// <summary>"width=64", "bn on", "skip off".</summary>
    public static string Describe(string axis, string value) => axis switch
    {
        BatchNorm => value == "true" ? "bn on" : "bn off",
        Skip => value == "true" ? "skip on" : "skip off",
        Bias => value == "true" ? "bias on" : "bias off",
        _ => $"{axis}={value}",
    };

    public static string Describe(IReadOnlyDictionary<string, string> config, IEnumerable<string> axes) =>
        string.Join(", ", axes.Where(config.ContainsKey).Select(a => Describe(a, config[a])));
}
