namespace OrleansConfusion.Sweeps;

/// <summary>Where sweep output lands, bound from <see cref="SectionName"/>.</summary>
public sealed class ParquetSinkOptions
{
    public const string SectionName = "OrleansConfusion:Output";

    /// <summary>
    /// The only folder sweeps may write under (null: the silo's working directory). A spec's
    /// <c>output_dir</c> is resolved against it and refused when it leads outside (<see cref="OutputPathPolicy"/>).
    /// In a multi-silo cluster it should be a shared path (the k8s PVC), as any silo may host a coordinator.
    /// </summary>
    public string? BaseDirectory { get; set; }

    /// <summary>
    /// True (the default): output must stay inside <see cref="BaseDirectory"/>. Only the CLI's embedded silo
    /// (<c>confusion run</c>, which writes for the user who started it) turns this off.
    /// </summary>
    public bool ConfineToBase { get; set; } = true;

    /// <summary>&lt;root&gt;/&lt;sweep&gt;/, absolute; throws SpecRejectedException when confined and outside the base.</summary>
    public string SweepDirectory(string outputDirectory, string sweepId) =>
        OutputPathPolicy.Resolve(outputDirectory, sweepId, BaseDirectory ?? Directory.GetCurrentDirectory(), ConfineToBase);
}
