namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// A sweep as the user wrote it (YAML): the grid axes, seeds and shared settings. Expanding it gives
/// the Cartesian product of the axes × seeds, minus the combinations the engine rejects.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SweepSpec
{
    /// <summary>Sweep id: lower-case letters, digits, '-' and '_'. Output goes to &lt;out&gt;/&lt;name&gt;/.</summary>
    [Id(0)] public string Name { get; init; } = "";
    [Id(1)] public DatasetSpec Dataset { get; init; } = new();
    [Id(2)] public GridSpec Grid { get; init; } = new();
    [Id(3)] public long[] Seeds { get; init; } = [0];
    [Id(4)] public TrainingSpec Training { get; init; } = new();
    [Id(5)] public MeasurementSpec Measurement { get; init; } = new();

    /// <summary>At most this many trials of the sweep run at once (0 = as many as cluster capacity allows).</summary>
    [Id(6)] public int MaxConcurrentTrials { get; init; }

    /// <summary>Root output directory; the sweep writes under &lt;OutputDirectory&gt;/&lt;Name&gt;/.</summary>
    [Id(7)] public string OutputDirectory { get; init; } = "runs";

    /// <summary>
    /// Whether a configuration's seeds train as one fused (batched) model on one grain and one slot. Null (unset) means
    /// yes wherever the architecture supports it (MLPs); false trains every seed alone. Rows are the same either way.
    /// </summary>
    [Id(8)] public bool? FuseSeeds { get; init; }
}
