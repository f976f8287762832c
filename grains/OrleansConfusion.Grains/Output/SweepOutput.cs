using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The output of one sweep, owned by its coordinator activation.
/// <list type="bullet">
/// <item><c>parts/measurements.jsonl</c>: every accepted measurement, appended before the batch is
/// acknowledged, so a delivered row is on disk.</item>
/// <item><c>parts/outcomes.jsonl</c>: one line per finished trial (the trials.parquet columns), appended when it ends.</item>
/// <item><c>trials.parquet</c>, <c>metrics.parquet</c>: the final files, built from the journals when the sweep ends.</item>
/// </list>
/// (trial id, step) is unique in the output: <see cref="LoadAsync"/> rebuilds the delivered steps from the
/// journal, so a re-driven attempt, a restarted coordinator or a resubmitted spec never writes a row twice,
/// even when grain storage was in memory and is gone. The journals are kept: they are what a rerun resumes from.
/// </summary>
public sealed class SweepOutput
{
    /// <summary>
    /// Up to this many delivered rows (a few KB each at most) stay in memory for the final files, so a
    /// sweep's end need not read its journal back; a bigger sweep reads the journal instead.
    /// </summary>
    internal int RowCacheLimit { get; init; } = 50_000;

    readonly Dictionary<string, HashSet<long>> _delivered = new(StringComparer.Ordinal);
    readonly Dictionary<string, TrialOutcome> _outcomes = new(StringComparer.Ordinal);
    readonly Dictionary<string, LastMeasurement> _last = new(StringComparer.Ordinal);
    readonly JsonLinesJournal<MeasurementParquetRow> _measurements;
    readonly JsonLinesJournal<TrialParquetRow> _outcomeJournal;
    readonly ILogger _logger;

    // Every row of the measurement journal, in journal order, once LoadAsync has read it and while there
    // are at most RowCacheLimit; else null (the final write reads the journal).
    List<MeasurementParquetRow>? _rows;

    public SweepOutput(string directory, ILogger logger)
    {
        Directory = directory;
        _logger = logger;
        _measurements = new(Path.Combine(PartsDirectory, "measurements.jsonl"), logger);
        _outcomeJournal = new(Path.Combine(PartsDirectory, "outcomes.jsonl"), logger);
    }

    public string Directory { get; }

    public string PartsDirectory => Path.Combine(Directory, "parts");

    public string TrialsPath => Path.Combine(Directory, "trials.parquet");

    public string MetricsPath => Path.Combine(Directory, "metrics.parquet");

    public string OutcomesJournalPath => _outcomeJournal.Path;

    public string MeasurementsJournalPath => _measurements.Path;

    public long MeasurementRows => _delivered.Values.Sum(s => (long)s.Count);

    /// <summary>Outcomes found on disk or written by this instance, by trial id.</summary>
    public IReadOnlyDictionary<string, TrialOutcome> Outcomes => _outcomes;

    /// <summary>The confusion at the trial's highest delivered step, or null when none was delivered.</summary>
    public LastMeasurement? Last(string trialId) => _last.GetValueOrDefault(trialId);

    /// <summary>
    /// The trial's highest delivered step, or -1. Every attempt delivers its rows in step order and
    /// resumes only from a checkpoint at or before this step, so every scheduled step up to it is here.
    /// </summary>
    public long DeliveredThroughStep(string trialId) =>
        _delivered.TryGetValue(trialId, out var s) && s.Count > 0 ? s.Max() : -1;

    /// <summary>Reads what earlier runs left: outcomes from trials.parquet and the outcome journal, delivered steps from the measurement journal.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        _delivered.Clear();
        _outcomes.Clear();
        _last.Clear();
        _rows = [];
        if (File.Exists(TrialsPath))
        {
            try
            {
                foreach (var row in await ParquetFiles.ReadAsync<TrialParquetRow>(TrialsPath, cancellationToken))
                    _outcomes[row.TrialId] = row.ToOutcome();
            }
            catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or Parquet.ParquetException)
            {
                _logger.LogWarning(e, "Skipping unreadable output file {Path}", TrialsPath);
            }
        }
        foreach (var row in await _outcomeJournal.ReadAsync(cancellationToken))
            _outcomes[row.TrialId] = row.ToOutcome();
        var journal = await _measurements.ReadAsync(cancellationToken);
        foreach (var row in journal)
        {
            Steps(row.TrialId).Add(row.Step);
            Remember(row);
        }
        Cache(journal);
    }

    /// <summary>Appends the rows not delivered before to the measurement journal; returns how many were new.</summary>
    public async Task<int> AppendMeasurementsAsync(TrialSpec trial, IReadOnlyList<MeasurementRow> rows, CancellationToken cancellationToken = default)
    {
        var steps = Steps(trial.TrialId);
        var fresh = rows.Where(r => !steps.Contains(r.Step)).GroupBy(r => r.Step).Select(g => g.First()).ToList();
        if (fresh.Count == 0) return 0;
        var appended = fresh.Select(r => MeasurementParquetRow.From(trial, r)).ToList();
        await _measurements.AppendAsync(appended, cancellationToken);
        foreach (var r in fresh) steps.Add(r.Step);
        foreach (var row in appended) Remember(row);
        Cache(appended);
        return fresh.Count;
    }

    public async Task WriteOutcomeAsync(TrialSpec trial, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        await _outcomeJournal.AppendAsync([TrialParquetRow.From(trial, outcome)], cancellationToken);
        _outcomes[trial.TrialId] = outcome;
    }

    /// <summary>
    /// Writes trials.parquet (one row per given trial) and metrics.parquet (every delivered measurement
    /// of those trials, once per (trial, step), ordered by trial and step).
    /// </summary>
    public async Task WriteFinalAsync(IReadOnlyList<(TrialSpec Trial, TrialOutcome Outcome)> trials, CancellationToken cancellationToken = default)
    {
        var ids = trials.Select(t => t.Trial.TrialId).ToHashSet(StringComparer.Ordinal);
        var measurements = new Dictionary<(string, long), MeasurementParquetRow>();
        foreach (var row in _rows ?? await _measurements.ReadAsync(cancellationToken))
            if (ids.Contains(row.TrialId)) measurements.TryAdd((row.TrialId, row.Step), row);
        var metrics = measurements.Values.OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Step).ToList();
        var rows = trials.OrderBy(t => t.Trial.TrialId, StringComparer.Ordinal).Select(t => TrialParquetRow.From(t.Trial, t.Outcome)).ToList();
        // Independent files, written side by side: the metrics file on the thread pool, the small trials file
        // on this thread. PreferFairness puts the metrics write on the pool's global queue; on this thread's
        // local queue (Task.Run's default from a pool thread) it often waited until the trials file was done.
        var writeMetrics = Task.Factory.StartNew(() => ParquetFiles.WriteAtomicAsync(MetricsPath, metrics, cancellationToken),
            cancellationToken, TaskCreationOptions.PreferFairness, TaskScheduler.Default).Unwrap();
        var writeTrials = ParquetFiles.WriteAtomicAsync(TrialsPath, rows, cancellationToken);
        await Task.WhenAll(writeMetrics, writeTrials);
    }

    void Remember(MeasurementParquetRow row)
    {
        if (!_last.TryGetValue(row.TrialId, out var seen) || row.Step >= seen.Step) _last[row.TrialId] = LastMeasurement.From(row);
    }

    void Cache(List<MeasurementParquetRow> rows)
    {
        if (_rows is not null && _rows.Count + rows.Count <= RowCacheLimit) _rows.AddRange(rows);
        else _rows = null;
    }

    HashSet<long> Steps(string trialId)
    {
        if (!_delivered.TryGetValue(trialId, out var steps)) _delivered[trialId] = steps = [];
        return steps;
    }
}
