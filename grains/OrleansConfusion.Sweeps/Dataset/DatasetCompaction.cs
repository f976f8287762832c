using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;
using Parquet;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The end of a sweep's dataset: the trials into one part holding each trial once (its newest outcome: a resubmit that
/// re-ran a failed trial leaves two), and runs of small metrics or logs parts (sealed by time, not size) into parts of up
/// to a seal's size. A replacement is written under a hidden pending name with the list of the parts it replaces beside
/// it; then those go, then it is renamed. <see cref="CompleteInterrupted"/> finishes (or drops) one cut off by a crash,
/// so no row is ever in two parts for longer than a crash, and none is lost. Memory is bounded by the rows of one part.
/// A replacement's name comes from <paramref name="takeSequence"/>, the counter of the kind's stream, so a part the stream
/// seals later (a log line that came after the sweep's end) never lands on it.
/// </summary>
internal sealed class DatasetCompaction(string directory, int generation, int sealRows, Func<string, CancellationToken, Task<int>> takeSequence, ILogger logger)
{
    const string PendingSuffix = ".pending";
    const string ListSuffix = ".replaces";

    public async Task TrialsAsync(CancellationToken cancellationToken)
    {
        var parts = DatasetLayout.Parts(directory, DatasetLayout.Trials);
        if (parts.Count == 0) return;
        var newest = new Dictionary<string, TrialOutcome>(StringComparer.Ordinal);
        int rows = 0;
        foreach (var part in parts)
            foreach (var o in await PartFile.ReadAsync<TrialOutcome>(part.Path, cancellationToken))
            {
                rows++;
                if (!newest.TryGetValue(o.TrialId, out var kept) || (o.FinishedAt, o.Attempt).CompareTo((kept.FinishedAt, kept.Attempt)) > 0) newest[o.TrialId] = o;
            }
        if (parts.Count == 1 && rows == newest.Count) return;
        await ReplaceAsync(DatasetLayout.Trials, parts, [.. newest.Values.OrderBy(o => o.TrialId, StringComparer.Ordinal)], cancellationToken);
    }

    public async Task SmallPartsAsync<T>(string kind, IComparer<T> order, CancellationToken cancellationToken) where T : class, new()
    {
        var run = new List<NumberedFile>();
        long runRows = 0;
        foreach (var part in DatasetLayout.Parts(directory, kind))
        {
            long count = await RowCountAsync(part.Path, cancellationToken);
            if (count < sealRows / 4 && runRows + count <= sealRows)
            {
                run.Add(part);
                runRows += count;
                continue;
            }
            await MergeAsync(run, order, kind, cancellationToken);
            (run, runRows) = (count < sealRows / 4 ? [part] : [], count < sealRows / 4 ? count : 0);
        }
        await MergeAsync(run, order, kind, cancellationToken);
    }

    async Task MergeAsync<T>(List<NumberedFile> run, IComparer<T> order, string kind, CancellationToken cancellationToken) where T : class, new()
    {
        if (run.Count < 2) return;
        var rows = new List<T>();
        foreach (var part in run) rows.AddRange(await PartFile.ReadAsync<T>(part.Path, cancellationToken));
        rows.Sort(order);
        await ReplaceAsync(kind, run, rows, cancellationToken);
    }

    async Task ReplaceAsync<T>(string kind, IReadOnlyList<NumberedFile> replaced, List<T> rows, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(directory, kind);
        string name = DatasetLayout.PartName(generation, await takeSequence(kind, cancellationToken));
        string list = Path.Combine(folder, $".{name}{ListSuffix}");
        await PartFile.WriteAsync(folder, $".{name}{PendingSuffix}", rows, cancellationToken, overwrite: true);
        await File.WriteAllLinesAsync(list, replaced.Select(p => Path.GetFileName(p.Path)), cancellationToken);
        Finish(folder, name, list);
        logger.LogInformation("Compacted {Count} {Kind} parts of {Directory} into {Part} ({Rows} rows)", replaced.Count, kind, directory, name, rows.Count);
    }

    /// <summary>Deletes what the list names, then renames the pending part into place, then drops the list.</summary>
    static void Finish(string folder, string name, string list)
    {
        foreach (string replaced in File.ReadAllLines(list)) File.Delete(Path.Combine(folder, replaced));
        File.Move(Path.Combine(folder, $".{name}{PendingSuffix}"), Path.Combine(folder, name), overwrite: true);
        File.Delete(list);
    }

    /// <summary>
    /// A compaction a crash cut off: with its list and its pending part, it is finished; a list alone (the part was renamed,
    /// the list not yet deleted) goes; a pending part alone (its list never written) goes, and the parts it would replace stay.
    /// A part's temporary file (a crash mid-write) goes too. Called by the one activation that owns the folder, as it loads.
    /// </summary>
    public static void CompleteInterrupted(string directory)
    {
        foreach (string kind in DatasetLayout.Kinds)
        {
            string folder = Path.Combine(directory, kind);
            if (!Directory.Exists(folder)) continue;
            foreach (string list in Directory.EnumerateFiles(folder, $".*{ListSuffix}"))
            {
                string name = Path.GetFileName(list)[1..^ListSuffix.Length];
                if (File.Exists(Path.Combine(folder, $".{name}{PendingSuffix}"))) Finish(folder, name, list);
                else File.Delete(list);
            }
            foreach (string pending in Directory.EnumerateFiles(folder, $".*{PendingSuffix}")) File.Delete(pending);
            foreach (string temp in Directory.EnumerateFiles(folder, ".part-*.tmp-*")) File.Delete(temp);
        }
    }

    static async Task<long> RowCountAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        return reader.Metadata?.RowGroups.Sum(g => g.NumRows) ?? 0;
    }
}
