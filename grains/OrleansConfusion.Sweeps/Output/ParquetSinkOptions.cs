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

    /// <summary>
    /// Rows after which a part of the dataset is sealed (made visible). A real sweep's measurement rows take about 195
    /// bytes each in Parquet (examples/paper-depth-early: 550 rows in 107 KB), so 50,000 make a part of about 10 MB in
    /// five row groups of 10,000; bench --only scale seals 1.6 M rows in 32 such parts while the sweep runs and a reader
    /// sees each row within 4 s (p99). Far more would delay visibility on a fast sweep, far fewer fill the folder with
    /// small files.
    /// </summary>
    public int PartRows { get; set; } = 50_000;

    /// <summary>
    /// The longest a row waits before its part is sealed, whatever the part's size: a glob sees every acknowledged row
    /// within this (plus the sealing's own seconds). 60 s writes at most one part a minute per kind while a sweep trickles.
    /// </summary>
    public TimeSpan PartInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>&lt;root&gt;/&lt;sweep&gt;/, absolute; throws SpecRejectedException when confined and outside the base.</summary>
    public string SweepDirectory(string outputDirectory, string sweepId) =>
        OutputPathPolicy.Resolve(outputDirectory, sweepId, BaseDirectory ?? Directory.GetCurrentDirectory(), ConfineToBase);
}
