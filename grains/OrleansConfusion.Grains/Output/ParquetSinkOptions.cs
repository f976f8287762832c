namespace OrleansConfusion.Grains;

/// <summary>Where sweep output lands, bound from <see cref="SectionName"/>.</summary>
public sealed class ParquetSinkOptions
{
    public const string SectionName = "OrleansConfusion:Output";

    /// <summary>
    /// Base for relative <c>SweepSpec.OutputDirectory</c> values (null: the silo's working directory).
    /// In a multi-silo cluster it should be a shared path (the k8s PVC), as any silo may host a coordinator.
    /// </summary>
    public string? BaseDirectory { get; set; }

    /// <summary>&lt;root&gt;/&lt;sweep&gt;/, absolute.</summary>
    public string SweepDirectory(string outputDirectory, string sweepId) =>
        Path.Combine(Path.GetFullPath(outputDirectory, BaseDirectory ?? Directory.GetCurrentDirectory()), sweepId);
}
