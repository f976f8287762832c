namespace OrleansConfusion.Grains.Abstractions;

/// <summary>
/// A sweep as the user wrote it (YAML): the grid axes, the other axes, seeds and shared settings. Expanding it gives the
/// Cartesian product of the axes × sampled points × seeds, minus the combinations the engine rejects.
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

    /// <summary>Axes beyond the grid's lists: training and dataset lists, sampled fields, derived fields (see <see cref="AxisSpec"/>).</summary>
    [Id(9)] public AxisSpec[] Axes { get; init; } = [];

    /// <summary>Quasi-random points drawn over the sampled fields (required, and only allowed, when one is sampled).</summary>
    [Id(10)] public int Samples { get; init; }

    /// <summary>Seeds the draw, so resubmitting draws the same points (and so the same trial ids).</summary>
    [Id(11)] public long SampleSeed { get; init; }

    /// <summary>The report's selection, declared with the sweep (null: none).</summary>
    [Id(12)] public ReportSpec? Report { get; init; }
}
