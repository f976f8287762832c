using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;
using Parquet;
using Parquet.Serialization;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The output folder of one sweep, written by its coordinator activation.
/// <list type="bullet">
/// <item><c>parts/measurements-gNNNNNN.jsonl</c>: every row the coordinator holds, appended before the delivery is
/// acknowledged. The measurement record.</item>
/// <item><c>parts/trials-gNNNNNN.jsonl</c>: the trial record. It holds one line per real start of training
/// (the attempt count) and one per outcome. It is the one source of truth for which trials are finished.</item>
/// <item><c>trials.parquet</c>, <c>metrics.parquet</c>: the final files. They are streamed from the records when
/// the sweep ends, in row groups, with memory bounded whatever the sweep's size, and renamed into place.</item>
/// </list>
/// Every coordinator activation writes files of its own generation (N), one above any on disk, and never
/// appends to another's. So a second activation (a partitioned silo that has not yet learnt it was declared dead)
/// cannot interleave with this one; the final files take each (trial, step) once, whoever wrote it.
/// The records stay after the sweep: a rerun resumes from them.
/// </summary>
public sealed partial class SweepOutput(string directory, ILogger logger) : IAsyncDisposable
{
    /// <summary>Rows per Parquet row group of the final files: bounded memory while they are written.</summary>
    public int RowGroupSize { get; init; } = 20_000;

    /// <summary>The read buffer of the records; tests make it tiny.</summary>
    internal int ReadBufferSize { get; init; } = 1 << 16;

    /// <summary>Trial records are rewritten (compacted) when they hold this many lines more than the trials they describe.</summary>
    internal int CompactionSlack { get; init; } = 10_000;

    JsonLinesWriter<MeasurementRow>? _measurements;
    JsonLinesWriter<TrialEvent>? _trials;

    public string Directory { get; } = directory;

    public string PartsDirectory => Path.Combine(Directory, "parts");

    public string TrialsPath => Path.Combine(Directory, "trials.parquet");

    public string MetricsPath => Path.Combine(Directory, "metrics.parquet");

    /// <summary>The spec the sweep runs, as submitted (JSON, snake_case): what `report` reads its declared selection from.</summary>
    public string SpecPath => Path.Combine(Directory, SpecFile);

    public const string SpecFile = "spec.json";

    /// <summary>Writes <see cref="SpecPath"/> atomically (a temp file, then a rename); a resubmit replaces it.</summary>
    public async Task WriteSpecAsync(SweepSpec spec, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string temp = TempPath(SpecPath);
        try
        {
            await using (var stream = File.Create(temp))
                await System.Text.Json.JsonSerializer.SerializeAsync(stream, spec, RecordJson.Default.SweepSpec, cancellationToken);
            File.Move(temp, SpecPath, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The spec written by <see cref="WriteSpecAsync"/> in <paramref name="directory"/>, or null when there is none.</summary>
    public static SweepSpec? ReadSpec(string directory)
    {
        string path = Path.Combine(directory, SpecFile);
        if (!File.Exists(path)) return null;
        using var stream = File.OpenRead(path);
        return System.Text.Json.JsonSerializer.Deserialize(stream, RecordJson.Default.SweepSpec);
    }

    /// <summary>The generation this instance writes (set by <see cref="LoadAsync"/>).</summary>
    public int Generation { get; private set; }

    public string MeasurementRecordPath => RecordPath("measurements", Generation);

    public string TrialRecordPath => RecordPath("trials", Generation);

    /// <summary>Bytes this instance appended to its records.</summary>
    public long BytesAppended => (_measurements?.BytesWritten ?? 0) + (_trials?.BytesWritten ?? 0);

    /// <summary>
    /// Folds the records on disk into <paramref name="ledger"/> (a new sweep's ledger), streamed, and takes the next generation. Refuses a folder
    /// that holds final files without the records they came from (a rerun there would overwrite them with less).
    /// </summary>
    public async Task<LoadSummary> LoadAsync(TrialLedger ledger, bool rerunUnfinished, CancellationToken cancellationToken = default)
    {
        var measurementFiles = Records("measurements");
        var trialFiles = Records("trials");
        if (measurementFiles.Count == 0 && trialFiles.Count == 0 && (File.Exists(TrialsPath) || File.Exists(MetricsPath)))
            throw new InvalidOperationException(
                $"output folder '{Directory}' holds final Parquet files but not the record they were built from ({PartsDirectory}); " +
                "a rerun would overwrite them: move them away, or give the sweep another output folder");
        Generation = measurementFiles.Concat(trialFiles).Select(f => f.Generation).DefaultIfEmpty(0).Max() + 1;

        long rows = 0;
        foreach (var file in measurementFiles)
        {
            await foreach (var row in JsonLinesJournal.ReadAsync(file.Path, RecordJson.Default.MeasurementRow, logger, ReadBufferSize, cancellationToken))
            {
                if (!ledger.TryIndex(row.TrialId, out int index)) continue;
                ledger.RestoreDelivered(index, row);
                rows++;
            }
        }
        long lines = 0;
        // Outcomes after every row is known: a finished trial stays finished only if its rows are held.
        foreach (var file in trialFiles)
        {
            await foreach (var e in JsonLinesJournal.ReadAsync(file.Path, RecordJson.Default.TrialEvent, logger, ReadBufferSize, cancellationToken))
            {
                lines++;
                if (!ledger.TryIndex(e.TrialId, out int index)) continue;
                ledger.RestoreAttempts(index, e.Attempt, e.StartedAt);
                if (e.Outcome is { } outcome) ledger.RestoreOutcome(index, outcome with { TrialId = e.TrialId }, rerunUnfinished);
            }
        }
        bool compacted = false;
        if (trialFiles.Count > 1 && lines > ledger.Count + CompactionSlack || trialFiles.Count > 8)
        {
            await CompactAsync(ledger, trialFiles, cancellationToken);
            compacted = true;
        }
        return new LoadSummary(rows, lines, measurementFiles.Count + trialFiles.Count, compacted);
    }

    /// <summary>Appends rows (already filtered by the ledger) in one write; they are durable when this returns.</summary>
    public Task AppendMeasurementsAsync(IReadOnlyList<MeasurementRow> rows, CancellationToken cancellationToken = default) =>
        rows.Count == 0 ? Task.CompletedTask : (_measurements ??= new(MeasurementRecordPath, RecordJson.Default.MeasurementRow)).AppendAsync(rows, cancellationToken);

    /// <summary>Records a real start of training, so attempt numbers never repeat across coordinator activations.</summary>
    public Task AppendStartAsync(string trialId, int attempt, DateTimeOffset? startedAt, CancellationToken cancellationToken = default) =>
        (_trials ??= new(TrialRecordPath, RecordJson.Default.TrialEvent)).AppendAsync([new TrialEvent(trialId, attempt, null, startedAt)], cancellationToken);

    public Task AppendOutcomeAsync(TrialOutcome outcome, CancellationToken cancellationToken = default) =>
        AppendOutcomesAsync([outcome], cancellationToken);

    public Task AppendOutcomesAsync(IReadOnlyList<TrialOutcome> outcomes, CancellationToken cancellationToken = default) =>
        (_trials ??= new(TrialRecordPath, RecordJson.Default.TrialEvent)).AppendAsync(outcomes.Select(o => new TrialEvent(o.TrialId, o.Attempt, o, o.TrainingStartedAt)), cancellationToken);

    /// <summary>
    /// Writes trials.parquet (one row per trial of the plan, in plan order) and metrics.parquet (every held row of those
    /// trials, once per (trial, step), in the order they arrived), streamed in row groups, then renames both into place.
    /// Runs on the thread pool: the ledger must not change meanwhile (the coordinator finishes a sweep only when every
    /// trial is finished, and a finished trial takes no rows).
    /// </summary>
    public async Task WriteFinalAsync(TrialLedger ledger, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string trialsTemp = TempPath(TrialsPath), metricsTemp = TempPath(MetricsPath);
        try
        {
            await WriteRowGroupsAsync(trialsTemp, TrialRows(ledger), cancellationToken);
            await WriteRowGroupsAsync(metricsTemp, MeasurementRows(ledger, cancellationToken), cancellationToken);
            File.Move(metricsTemp, MetricsPath, overwrite: true);
            File.Move(trialsTemp, TrialsPath, overwrite: true);
        }
        finally
        {
            File.Delete(trialsTemp);
            File.Delete(metricsTemp);
        }
    }

    static async IAsyncEnumerable<TrialParquetRow> TrialRows(TrialLedger ledger)
    {
        for (int i = 0; i < ledger.Count; i++)
            if (ledger.Outcome(i) is { } outcome) yield return TrialParquetRow.From(ledger.Spec(i), outcome);
        await Task.CompletedTask;
    }

    async IAsyncEnumerable<MeasurementParquetRow> MeasurementRows(TrialLedger ledger, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Each trial's rows come in step order within one generation's file, and a later generation holds only steps
        // past what it read at its start; so keeping each trial's rows above its highest step so far takes every
        // (trial, step) once, with memory of one step per trial.
        var through = new long[ledger.Count];
        Array.Fill(through, -1);
        foreach (var file in Records("measurements"))
        {
            await foreach (var row in JsonLinesJournal.ReadAsync(file.Path, RecordJson.Default.MeasurementRow, logger, ReadBufferSize, cancellationToken))
            {
                if (!ledger.TryIndex(row.TrialId, out int index) || row.Step <= through[index]) continue;
                through[index] = row.Step;
                yield return MeasurementParquetRow.From(ledger.Spec(index), row);
            }
        }
    }

    /// <summary>One row group per <see cref="RowGroupSize"/> rows, appended to the file: only one group is ever in memory.</summary>
    async Task WriteRowGroupsAsync<T>(string path, IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true);
        var group = new List<T>(Math.Min(RowGroupSize, 4096));
        bool any = false;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            group.Add(row);
            if (group.Count < RowGroupSize) continue;
            await WriteGroupAsync();
        }
        if (group.Count > 0 || !any) await WriteGroupAsync();
        await stream.FlushAsync(cancellationToken);

        async Task WriteGroupAsync()
        {
            await ParquetSerializer.SerializeAsync(group, stream, new ParquetOptions { Append = any }, cancellationToken: cancellationToken);
            any = true;
            group.Clear();
        }
    }

    /// <summary>
    /// Rewrites the trial record as this generation's, one line per trial with anything to say (its attempt count and its
    /// outcome), then deletes the older files. Run before this generation appends anything.
    /// </summary>
    async Task CompactAsync(TrialLedger ledger, IReadOnlyList<RecordFile> older, CancellationToken cancellationToken)
    {
        string temp = TempPath(TrialRecordPath);
        await using (var writer = new JsonLinesWriter<TrialEvent>(temp, RecordJson.Default.TrialEvent))
        {
            var batch = new List<TrialEvent>(1024);
            for (int i = 0; i < ledger.Count; i++)
            {
                if (ledger.Attempts(i) == 0 && ledger.Outcome(i) is null) continue;
                batch.Add(new TrialEvent(ledger.Spec(i).TrialId, ledger.Attempts(i), ledger.Outcome(i), ledger.LastStart(i)));
                if (batch.Count < 1024) continue;
                await writer.AppendAsync(batch, cancellationToken);
                batch.Clear();
            }
            await writer.AppendAsync(batch, cancellationToken);
        }
        File.Move(temp, TrialRecordPath);
        foreach (var file in older) File.Delete(file.Path);
        logger.LogInformation("Compacted the trial record of {Directory} from {Files} files into {Path}", Directory, older.Count, TrialRecordPath);
    }

    public async ValueTask DisposeAsync()
    {
        if (_measurements is not null) await _measurements.DisposeAsync();
        if (_trials is not null) await _trials.DisposeAsync();
    }

    string RecordPath(string kind, int generation) =>
        Path.Combine(PartsDirectory, string.Create(CultureInfo.InvariantCulture, $"{kind}-g{generation:D6}.jsonl"));

    static string TempPath(string path) => $"{path}.tmp-{Guid.NewGuid():N}";

    /// <summary>The record files of one kind, oldest generation first.</summary>
    List<RecordFile> Records(string kind)
    {
        if (!System.IO.Directory.Exists(PartsDirectory)) return [];
        return System.IO.Directory.EnumerateFiles(PartsDirectory, kind + "-g*.jsonl")
            .Select(p => (Path: p, Match: RecordName().Match(Path.GetFileName(p))))
            .Where(f => f.Match.Success && f.Match.Groups["kind"].Value == kind)
            .Select(f => new RecordFile(f.Path, int.Parse(f.Match.Groups["generation"].Value, CultureInfo.InvariantCulture)))
            .OrderBy(f => f.Generation)
            .ToList();
    }

    [GeneratedRegex(@"^(?<kind>[a-z]+)-g(?<generation>\d{6,9})\.jsonl$")]
    private static partial Regex RecordName();

    readonly record struct RecordFile(string Path, int Generation);
}
