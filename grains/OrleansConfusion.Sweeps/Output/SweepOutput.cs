using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;
using Parquet;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The output folder of one sweep, written by its coordinator activation: a Parquet dataset that grows while the sweep
/// runs (<c>metrics/</c>, <c>trials/</c>, <c>logs/</c>; see <see cref="DatasetLayout"/>) behind a write-ahead record
/// (<c>record/</c>). A row is appended to the record before it is acknowledged and buffered; a part is sealed when its
/// buffer holds <see cref="SealRows"/> rows or its oldest row is <see cref="SealInterval"/> old, and the record behind it
/// goes, so the record stays bounded too. Each activation writes files of its own generation, one above any on disk,
/// and adopts what an older one left: its parts as they are, its unsealed segments sealed under their own names. A part
/// of an older generation that appears later (an activation cut off by a failover, sealing before it learnt it was
/// replaced) is removed at the next seal, and so is a record segment it wrote then: this activation drives every trial
/// to its end by its own ledger, re-driving any whose rows it lacks. A segment such a coordinator leaves after the sweep's
/// end is adopted by the next load without the rows the parts hold already. A row is therefore in exactly one part.
/// </summary>
public sealed class SweepOutput(string directory, ILogger logger) : IAsyncDisposable
{
    /// <summary>Rows a part takes before it is sealed (see <see cref="ParquetSinkOptions.PartRows"/>).</summary>
    public int SealRows { get; init; } = 50_000;

    /// <summary>How long a row waits, at most, before its part is sealed (see <see cref="ParquetSinkOptions.PartInterval"/>).</summary>
    public TimeSpan SealInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Starts records are rewritten (compacted) when they hold this many lines more than the trials they describe.</summary>
    internal int CompactionSlack { get; init; } = 10_000;

    /// <summary>The read buffer of the record; tests make it tiny.</summary>
    internal int ReadBufferSize { get; init; } = 1 << 16;

    TrialLedger? _ledger;
    PartStream<MeasurementRow>? _metrics;
    PartStream<TrialOutcome>? _trials;
    PartStream<TrialLogRow>? _logs;
    JsonLinesWriter<TrialOutcome>? _starts;
    readonly Dictionary<string, HashSet<string>> _adopted = DatasetLayout.Kinds.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal));

    public string Directory { get; } = directory;

    public string MetricsDirectory => Path.Combine(Directory, DatasetLayout.Metrics);

    public string TrialsDirectory => Path.Combine(Directory, DatasetLayout.Trials);

    public string LogsDirectory => Path.Combine(Directory, DatasetLayout.Logs);

    public string RecordDirectory => Path.Combine(Directory, DatasetLayout.RecordFolder);

    /// <summary>The spec the sweep runs, as submitted (JSON, snake_case): what `report` reads its declared selection from.</summary>
    public string SpecPath => Path.Combine(Directory, SpecFile);

    public const string SpecFile = "spec.json";

    /// <summary>The generation this instance writes (set by <see cref="LoadAsync"/>).</summary>
    public int Generation { get; private set; }

    /// <summary>Bytes this instance appended to the record.</summary>
    public long BytesAppended => (_metrics?.BytesAppended ?? 0) + (_trials?.BytesAppended ?? 0) + (_logs?.BytesAppended ?? 0) + (_starts?.BytesWritten ?? 0);

    /// <summary>Parts this instance sealed, all kinds.</summary>
    public int PartsSealed => (_metrics?.Sealed ?? 0) + (_trials?.Sealed ?? 0) + (_logs?.Sealed ?? 0);

    /// <summary>
    /// Folds what is on disk into <paramref name="ledger"/> (a new sweep's), streamed, adopts an older generation's unsealed
    /// record and takes the next generation. Refuses a folder that holds final Parquet files of an older version without
    /// the record they were built from (a rerun there would write a dataset that leaves them out).
    /// </summary>
    public async Task<LoadSummary> LoadAsync(TrialLedger ledger, bool rerunUnfinished, CancellationToken cancellationToken = default)
    {
        _ledger = ledger;
        DatasetCompaction.CompleteInterrupted(Directory);
        await LegacyRecord.MigrateAsync(Directory, SealRows, logger, cancellationToken);
        bool anyDataset = DatasetLayout.Kinds.Any(k => DatasetLayout.Parts(Directory, k).Count > 0 || DatasetLayout.Segments(Directory, k).Count > 0);
        if (!anyDataset && (File.Exists(Path.Combine(Directory, "trials.parquet")) || File.Exists(Path.Combine(Directory, "metrics.parquet"))))
            throw new InvalidOperationException(
                $"output folder '{Directory}' holds final Parquet files (trials.parquet, metrics.parquet) but not the record they were built from; " +
                "a rerun would write a dataset without their rows: move them away, or give the sweep another output folder");
        Generation = ReserveGeneration(DatasetLayout.Kinds.SelectMany(k => DatasetLayout.Parts(Directory, k).Concat(DatasetLayout.Segments(Directory, k)))
            .Concat(DatasetLayout.StartFiles(Directory)).Select(f => f.Generation).DefaultIfEmpty(0).Max() + 1);

        long rows = 0;
        foreach (var part in DatasetLayout.Parts(Directory, DatasetLayout.Metrics))
        {
            _adopted[DatasetLayout.Metrics].Add(part.Path);
            rows += await MetricsIndex.ReadAsync(part.Path, (trialId, row) =>
            {
                if (ledger.TryIndex(trialId, out int index)) ledger.RestoreDelivered(index, row);
            }, cancellationToken);
        }
        // A segment's rows after every part's: one the ledger holds already is a duplicate (written by a coordinator cut off
        // after its successor loaded; the trial sent it to the successor too) and is left out of the adopted part.
        rows += await AdoptSegmentsAsync(DatasetLayout.Metrics, RecordJson.Default.MeasurementRow, MetricsOrder, CompleteMeasurement,
            row => !ledger.TryIndex(row.TrialId, out int index) || ledger.RestoreDelivered(index, row), cancellationToken);

        // Outcomes after every row is known: a finished trial stays finished only if its rows are held.
        long lines = 0;
        void Outcome(TrialOutcome o)
        {
            lines++;
            if (ledger.TryIndex(o.TrialId, out int index)) ledger.RestoreOutcome(index, o, rerunUnfinished);
        }
        foreach (var part in DatasetLayout.Parts(Directory, DatasetLayout.Trials))
        {
            _adopted[DatasetLayout.Trials].Add(part.Path);
            foreach (var o in await PartFile.ReadAsync<TrialOutcome>(part.Path, cancellationToken)) Outcome(o);
        }
        lines += await AdoptSegmentsAsync(DatasetLayout.Trials, RecordJson.Default.TrialOutcome, TrialsOrder, CompleteOutcome, o => { Outcome(o); return true; }, cancellationToken);
        var startFiles = DatasetLayout.StartFiles(Directory);
        long starts = 0;
        foreach (var file in startFiles)
        {
            await foreach (var start in JsonLinesJournal.ReadAsync(file.Path, RecordJson.Default.TrialOutcome, logger, ReadBufferSize, cancellationToken))
            {
                starts++;
                if (ledger.TryIndex(start.TrialId, out int index)) ledger.RestoreAttempts(index, start.Attempt, start.TrainingStartedAt);
            }
        }
        await AdoptSegmentsAsync(DatasetLayout.Logs, RecordJson.Default.TrialLogRow, LogsOrder, l => l, _ => true, cancellationToken);
        foreach (var part in DatasetLayout.Parts(Directory, DatasetLayout.Logs)) _adopted[DatasetLayout.Logs].Add(part.Path);

        bool compacted = false;
        if (startFiles.Count > 8 || (startFiles.Count > 1 && starts > ledger.Count + CompactionSlack))
        {
            await CompactStartsAsync(ledger, startFiles, cancellationToken);
            compacted = true;
        }
        _metrics = new(Directory, DatasetLayout.Metrics, Generation, RecordJson.Default.MeasurementRow, MetricsOrder, CompleteMeasurement);
        _trials = new(Directory, DatasetLayout.Trials, Generation, RecordJson.Default.TrialOutcome, TrialsOrder, CompleteOutcome);
        _logs = new(Directory, DatasetLayout.Logs, Generation, RecordJson.Default.TrialLogRow, LogsOrder, l => l);
        return new LoadSummary(rows, lines + starts, DatasetLayout.Kinds.Sum(k => DatasetLayout.Parts(Directory, k).Count) + startFiles.Count, compacted);
    }

    /// <summary>
    /// Takes the first generation from <paramref name="candidate"/> up whose starts file this call creates (CreateNew: of
    /// two activations loading at once, or one that wrote nothing before it was replaced, no two share a generation, so
    /// none writes into another's segments).
    /// </summary>
    int ReserveGeneration(int candidate)
    {
        System.IO.Directory.CreateDirectory(RecordDirectory);
        for (int generation = candidate; ; generation++)
        {
            try
            {
                using (new FileStream(Path.Combine(RecordDirectory, DatasetLayout.StartsName(generation)), FileMode.CreateNew, FileAccess.Write)) { }
                return generation;
            }
            catch (IOException) when (File.Exists(Path.Combine(RecordDirectory, DatasetLayout.StartsName(generation))))
            {
            }
        }
    }

    /// <summary>Appends rows (already filtered by the ledger) in one write; they are durable when this returns.</summary>
    public Task AppendMeasurementsAsync(IReadOnlyCollection<MeasurementRow> rows, CancellationToken cancellationToken = default) =>
        Loaded(_metrics).AppendAsync(rows, DateTime.UtcNow, cancellationToken);

    /// <summary>Records a real start of training, so attempt numbers never repeat across coordinator activations.</summary>
    public Task AppendStartAsync(string trialId, int attempt, DateTimeOffset? startedAt, CancellationToken cancellationToken = default)
    {
        Loaded(_trials);
        return (_starts ??= new(Path.Combine(RecordDirectory, DatasetLayout.StartsName(Generation)), RecordJson.Default.TrialOutcome)).AppendAsync(
            [new TrialOutcome { TrialId = trialId, Status = "running", Attempt = attempt, TrainingStartedAt = startedAt?.UtcDateTime }], cancellationToken);
    }

    public Task AppendOutcomeAsync(TrialOutcome outcome, CancellationToken cancellationToken = default) => AppendOutcomesAsync([outcome], cancellationToken);

    public Task AppendOutcomesAsync(IReadOnlyCollection<TrialOutcome> outcomes, CancellationToken cancellationToken = default) =>
        Loaded(_trials).AppendAsync(outcomes, DateTime.UtcNow, cancellationToken);

    public Task AppendLogsAsync(IReadOnlyCollection<TrialLogRow> logs, CancellationToken cancellationToken = default) =>
        Loaded(_logs).AppendAsync(logs, DateTime.UtcNow, cancellationToken);

    /// <summary>Whether some kind's buffer is due for sealing.</summary>
    public bool AnyDue(DateTime now) => Streams().Any(s => s.Due(now, SealRows, SealInterval));

    /// <summary>Seals every kind whose buffer is due (<see cref="SealRows"/> rows, or <see cref="SealInterval"/> old); returns how many.</summary>
    public async Task<int> SealDueAsync(DateTime now, CancellationToken cancellationToken = default)
    {
        Loaded(_metrics);
        int sealedNow = 0;
        foreach (var stream in Streams())
            if (stream.Due(now, SealRows, SealInterval)) sealedNow += await SealAsync(stream, cancellationToken) ? 1 : 0;
        return sealedNow;
    }

    /// <summary>
    /// The sweep's end: seals what is buffered, then compacts (<see cref="DatasetCompaction"/>): the trials into one part
    /// holding each trial once (its newest outcome), runs of small parts into larger ones. Memory stays bounded by a part.
    /// </summary>
    public async Task FinishAsync(CancellationToken cancellationToken = default)
    {
        Loaded(_metrics);
        foreach (var stream in Streams()) await SealAsync(stream, cancellationToken);
        var compaction = new DatasetCompaction(Directory, Generation, SealRows, (kind, ct) => Streams().First(s => s.Kind == kind).TakeSequenceAsync(ct), logger);
        await compaction.TrialsAsync(cancellationToken);
        await compaction.SmallPartsAsync<MeasurementRow>(DatasetLayout.Metrics, MetricsOrder, cancellationToken);
        await compaction.SmallPartsAsync<TrialLogRow>(DatasetLayout.Logs, LogsOrder, cancellationToken);
    }

    /// <summary>Writes <see cref="SpecPath"/> atomically (a temp file, then a rename); a resubmit replaces it.</summary>
    public async Task WriteSpecAsync(SweepSpec spec, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string temp = $"{SpecPath}.tmp-{Guid.NewGuid():N}";
        try
        {
            await using (var stream = File.Create(temp))
                await JsonSerializer.SerializeAsync(stream, spec, RecordJson.Default.SweepSpec, cancellationToken);
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
        return JsonSerializer.Deserialize(stream, RecordJson.Default.SweepSpec);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var stream in Streams()) await stream.DisposeAsync();
        if (_starts is not null) await _starts.DisposeAsync();
    }

    IEnumerable<IPartStream> Streams() => new IPartStream?[] { _metrics, _trials, _logs }.OfType<IPartStream>();

    /// <summary>
    /// Seals one stream, after removing parts of an older generation that appeared after this one adopted the rest (see
    /// the class summary). A failure to write is the caller's to report: the rows stay in the record and the buffer.
    /// </summary>
    async Task<bool> SealAsync(IPartStream stream, CancellationToken cancellationToken)
    {
        foreach (var late in DatasetLayout.Parts(Directory, stream.Kind).Where(p => p.Generation < Generation && !_adopted[stream.Kind].Contains(p.Path)))
        {
            logger.LogWarning("Removing {Part}: an older coordinator generation sealed it after generation {Generation} took the sweep over; its trials send those rows again",
                late.Path, Generation);
            File.Delete(late.Path);
        }
        // Every older segment on disk at load was adopted and deleted then: one here now is a cut-off coordinator's, whose
        // trials this generation drives to their end itself (a trial it lacks rows of is re-driven), so it goes too.
        foreach (var late in DatasetLayout.Segments(Directory, stream.Kind).Where(s => s.Generation < Generation))
        {
            logger.LogWarning("Removing {Segment}: an older coordinator generation wrote it after generation {Generation} took the sweep over", late.Path, Generation);
            File.Delete(late.Path);
        }
        return await stream.SealAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Reads the record segments of <paramref name="kind"/> that no part covers (each row to <paramref name="restore"/>,
    /// which says whether to keep it) and seals the kept rows of each as the part of its own name. A segment whose part
    /// exists (a crash between sealing and deleting it) only goes. Returns the rows kept.
    /// </summary>
    async Task<long> AdoptSegmentsAsync<T>(string kind, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> json, IComparer<T> order, Func<T, T> complete,
        Func<T, bool> restore, CancellationToken cancellationToken) where T : class
    {
        long count = 0;
        foreach (var segment in DatasetLayout.Segments(Directory, kind))
        {
            string part = Path.Combine(Directory, kind, DatasetLayout.PartName(segment.Generation, segment.Sequence));
            if (File.Exists(part))
            {
                File.Delete(segment.Path);
                continue;
            }
            var rows = new List<T>();
            await foreach (var row in JsonLinesJournal.ReadAsync(segment.Path, json, logger, ReadBufferSize, cancellationToken))
            {
                if (!restore(row)) continue;
                rows.Add(complete(row));
                count++;
            }
            rows.Sort(order);
            if (rows.Count > 0) await PartFile.WriteAsync(Path.Combine(Directory, kind), Path.GetFileName(part), rows, cancellationToken);
            _adopted[kind].Add(part);
            File.Delete(segment.Path);
        }
        return count;
    }

    /// <summary>Rewrites the starts as this generation's, one line per trial that started (its attempt count and last start), then deletes the older files.</summary>
    async Task CompactStartsAsync(TrialLedger ledger, IReadOnlyList<NumberedFile> older, CancellationToken cancellationToken)
    {
        string path = Path.Combine(RecordDirectory, DatasetLayout.StartsName(Generation));
        string temp = $"{path}.tmp-{Guid.NewGuid():N}";
        await using (var writer = new JsonLinesWriter<TrialOutcome>(temp, RecordJson.Default.TrialOutcome))
        {
            var batch = new List<TrialOutcome>(1024);
            for (int i = 0; i < ledger.Count; i++)
            {
                if (ledger.Attempts(i) == 0) continue;
                batch.Add(new TrialOutcome { TrialId = ledger.Spec(i).TrialId, Status = "running", Attempt = ledger.Attempts(i), TrainingStartedAt = ledger.LastStart(i)?.UtcDateTime });
                if (batch.Count < 1024) continue;
                await writer.AppendAsync(batch, cancellationToken);
                batch.Clear();
            }
            await writer.AppendAsync(batch, cancellationToken);
        }
        File.Move(temp, path, overwrite: true); // over this generation's reserved (empty) starts file
        foreach (var file in older.Where(f => f.Generation != Generation)) File.Delete(file.Path);
        logger.LogInformation("Compacted the starts record of {Directory} from {Files} files into {Path}", Directory, older.Count, path);
    }

    MeasurementRow CompleteMeasurement(MeasurementRow row) => Complete(row);

    TrialOutcome CompleteOutcome(TrialOutcome outcome) => Complete(outcome);

    /// <summary>A row with its trial's configuration columns (a trial the plan does not know keeps its own).</summary>
    T Complete<T>(T row) where T : TrialColumns =>
        _ledger is { } ledger && ledger.TryIndex(row.TrialId, out int index) ? (T)row.WithConfiguration(ledger.Spec(index)) : row;

    PartStream<T> Loaded<T>(PartStream<T>? stream) where T : class
    {
        if (stream is null) throw new InvalidOperationException("the output is not loaded yet (LoadAsync)");
        ThrowIfSuperseded();
        return stream;
    }

    /// <summary>
    /// Throws <see cref="OutputSupersededException"/> once a later generation has reserved this folder (its starts file
    /// exists): an activation the cluster replaced while it was cut off from the state storage learns it here, from the
    /// disk it writes to, before it writes anything more that its successor would have to remove. The folder is listed at
    /// most every <see cref="SupersededCheckInterval"/>, so a sweep's appends do not each pay a directory listing; a write
    /// in that window is one the successor's seal removes (see the class summary), and its trials send their rows again.
    /// </summary>
    void ThrowIfSuperseded()
    {
        if (_supersededBy == 0 && System.Diagnostics.Stopwatch.GetElapsedTime(_supersededCheckedAt) >= SupersededCheckInterval)
        {
            _supersededCheckedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            _supersededBy = DatasetLayout.StartFiles(Directory).Select(f => f.Generation).Where(g => g > Generation).DefaultIfEmpty(0).Max();
        }
        if (_supersededBy > 0)
            throw new OutputSupersededException($"coordinator generation {_supersededBy} took over the output in {Directory} from generation {Generation}; this one writes nothing more");
    }

    /// <summary>How often appends list the folder for a later generation (tests: MaxValue, never after loading; Zero, every append).</summary>
    internal TimeSpan SupersededCheckInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    int _supersededBy;
    long _supersededCheckedAt;

    static readonly IComparer<MeasurementRow> MetricsOrder = Comparer<MeasurementRow>.Create((a, b) =>
        string.CompareOrdinal(a.TrialId, b.TrialId) is var c and not 0 ? c : a.Step.CompareTo(b.Step));

    static readonly IComparer<TrialOutcome> TrialsOrder = Comparer<TrialOutcome>.Create((a, b) =>
        string.CompareOrdinal(a.TrialId, b.TrialId) is var c and not 0 ? c : a.FinishedAt.CompareTo(b.FinishedAt));

    static readonly IComparer<TrialLogRow> LogsOrder = Comparer<TrialLogRow>.Create((a, b) =>
        string.CompareOrdinal(a.TrialId, b.TrialId) is var c and not 0 ? c : a.At.CompareTo(b.At));
}
