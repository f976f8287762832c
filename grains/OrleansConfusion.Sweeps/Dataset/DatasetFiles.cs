using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The Parquet files a reader of a sweep's folder reads for one kind: the sealed parts of <c>&lt;kind&gt;/</c>, or,
/// for a folder written before the dataset existed, the single <c>&lt;kind&gt;.parquet</c> it had.
/// </summary>
public static class DatasetFiles
{
    public static IReadOnlyList<string> Of(string sweepDirectory, string kind)
    {
        var parts = DatasetLayout.Parts(sweepDirectory, kind);
        if (parts.Count > 0) return [.. parts.Select(p => p.Path)];
        string legacy = Path.Combine(sweepDirectory, kind + ".parquet");
        return File.Exists(legacy) ? [legacy] : [];
    }

    /// <summary>"runs/quick/trials/*.parquet": what a reader globs (DuckDB's read_parquet, Spark, pandas on the folder).</summary>
    public static string Glob(string sweepDirectory, string kind) => Path.Combine(sweepDirectory, kind, "*.parquet");

    /// <summary>
    /// Every log line of a sweep's folder, the sealed parts and the record segments not sealed yet (a running sweep's
    /// newest lines), each once. A segment sealed while this reads is either read as a segment or as its part, not both:
    /// the parts are listed again after the segments, and a new part whose segment was read is skipped.
    /// </summary>
    public static async Task<List<TrialLogRow>> ReadLogsAsync(string sweepDirectory, CancellationToken cancellationToken = default)
    {
        var rows = new List<TrialLogRow>();
        var before = Of(sweepDirectory, DatasetLayout.Logs).ToHashSet(StringComparer.Ordinal);
        var readSegments = new HashSet<string>(StringComparer.Ordinal);
        foreach (var segment in DatasetLayout.Segments(sweepDirectory, DatasetLayout.Logs))
        {
            string part = DatasetLayout.PartName(segment.Generation, segment.Sequence);
            if (before.Contains(Path.Combine(sweepDirectory, DatasetLayout.Logs, part))) continue;
            int count = rows.Count;
            await foreach (var row in JsonLinesJournal.ReadAsync(segment.Path, RecordJson.Default.TrialLogRow, NullLogger.Instance, cancellationToken: cancellationToken))
                rows.Add(row);
            if (rows.Count > count) readSegments.Add(part);
        }
        foreach (string part in Of(sweepDirectory, DatasetLayout.Logs))
        {
            if (!before.Contains(part) && readSegments.Contains(Path.GetFileName(part))) continue;
            rows.AddRange(await PartFile.ReadAsync<TrialLogRow>(part, cancellationToken));
        }
        return rows;
    }
}
