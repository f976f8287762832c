using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The Parquet sink of one sweep, owned by its coordinator activation.
/// <list type="bullet">
/// <item><c>parts/metrics-*.parquet</c>: one file per accepted batch of measurements, written before the
/// batch is acknowledged, so a delivered row is on disk.</item>
/// <item><c>parts/outcomes.jsonl</c>: one JSON line per finished trial (the trials.parquet columns), appended
/// when it ends. A journal rather than a Parquet file per trial: a one-row Parquet file cost ~5 ms of the
/// coordinator's single thread per trial, most of the dispatch overhead; an appended line costs ~0.1 ms.</item>
/// <item><c>trials.parquet</c>, <c>metrics.parquet</c>: the final files, rebuilt from the parts when the sweep ends.</item>
/// </list>
/// (trial id, step) is unique in the output: <see cref="LoadAsync"/> rebuilds the delivered steps from the
/// parts, so a re-driven attempt, a restarted coordinator or a resubmitted spec never writes a row twice,
/// even when grain storage was in memory and is gone. Parts are kept: they are what a rerun resumes from.
/// </summary>
public sealed class SweepOutput(string directory, ILogger logger)
{
    static readonly JsonSerializerOptions JournalJson = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    readonly Dictionary<string, HashSet<long>> _delivered = new(StringComparer.Ordinal);
    readonly Dictionary<string, TrialOutcome> _outcomes = new(StringComparer.Ordinal);
    int _partSequence;

    public string Directory { get; } = directory;

    public string PartsDirectory => Path.Combine(Directory, "parts");

    public string TrialsPath => Path.Combine(Directory, "trials.parquet");

    public string MetricsPath => Path.Combine(Directory, "metrics.parquet");

    public string OutcomesJournalPath => Path.Combine(PartsDirectory, "outcomes.jsonl");

    public long MeasurementRows => _delivered.Values.Sum(s => (long)s.Count);

    /// <summary>Outcomes found on disk or written by this instance, by trial id.</summary>
    public IReadOnlyDictionary<string, TrialOutcome> Outcomes => _outcomes;

    public bool HasStep(string trialId, long step) => _delivered.TryGetValue(trialId, out var s) && s.Contains(step);

    /// <summary>Reads what earlier runs left: delivered steps from metric parts, outcomes from trial parts and trials.parquet.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        _delivered.Clear();
        _outcomes.Clear();
        if (File.Exists(TrialsPath))
            foreach (var row in await ReadOrSkipAsync<TrialParquetRow>(TrialsPath, cancellationToken))
                _outcomes[row.TrialId] = row.ToOutcome();
        if (!System.IO.Directory.Exists(PartsDirectory)) return;
        if (File.Exists(OutcomesJournalPath))
        {
            string journal = await File.ReadAllTextAsync(OutcomesJournalPath, cancellationToken);
            foreach (string line in journal.Split('\n'))
                if (ParseOutcome(line) is { } row) _outcomes[row.TrialId] = row.ToOutcome();
            // End a torn last line, so the next append starts a line of its own.
            if (journal.Length > 0 && journal[^1] != '\n') await File.AppendAllTextAsync(OutcomesJournalPath, "\n", cancellationToken);
        }
        foreach (string file in PartFiles("metrics-"))
            foreach (var row in await ReadOrSkipAsync<MeasurementParquetRow>(file, cancellationToken))
                Steps(row.TrialId).Add(row.Step);
    }

    /// <summary>Writes the rows not delivered before as one part file; returns how many were new.</summary>
    public async Task<int> AppendMeasurementsAsync(TrialSpec trial, IReadOnlyList<MeasurementRow> rows, CancellationToken cancellationToken = default)
    {
        var steps = Steps(trial.TrialId);
        var fresh = rows.Where(r => !steps.Contains(r.Step)).GroupBy(r => r.Step).Select(g => g.First()).ToList();
        if (fresh.Count == 0) return 0;
        string name = string.Create(CultureInfo.InvariantCulture,
            $"metrics-{trial.TrialId}-{fresh[0].Step:D10}-{Interlocked.Increment(ref _partSequence):D6}-{Guid.NewGuid():N}.parquet");
        await ParquetFiles.WriteAtomicAsync(Path.Combine(PartsDirectory, name), fresh.Select(r => MeasurementParquetRow.From(trial, r)).ToList(), cancellationToken);
        foreach (var r in fresh) steps.Add(r.Step);
        return fresh.Count;
    }

    public async Task WriteOutcomeAsync(TrialSpec trial, TrialOutcome outcome, CancellationToken cancellationToken = default)
    {
        System.IO.Directory.CreateDirectory(PartsDirectory);
        string line = JsonSerializer.Serialize(TrialParquetRow.From(trial, outcome), JournalJson) + "\n";
        await File.AppendAllTextAsync(OutcomesJournalPath, line, cancellationToken);
        _outcomes[trial.TrialId] = outcome;
    }

    /// <summary>A process killed mid-append leaves a torn last line: it is skipped (that trial is re-driven).</summary>
    TrialParquetRow? ParseOutcome(string line)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        try
        {
            return JsonSerializer.Deserialize<TrialParquetRow>(line, JournalJson);
        }
        catch (JsonException e)
        {
            logger.LogWarning(e, "Skipping a torn line of {Path}", OutcomesJournalPath);
            return null;
        }
    }

    /// <summary>
    /// Writes trials.parquet (one row per given trial) and metrics.parquet (every delivered measurement
    /// of those trials, once per (trial, step), ordered by trial and step).
    /// </summary>
    public async Task WriteFinalAsync(IReadOnlyList<(TrialSpec Trial, TrialOutcome Outcome)> trials, CancellationToken cancellationToken = default)
    {
        var ids = trials.Select(t => t.Trial.TrialId).ToHashSet(StringComparer.Ordinal);
        var measurements = new Dictionary<(string, long), MeasurementParquetRow>();
        if (System.IO.Directory.Exists(PartsDirectory))
            foreach (string file in PartFiles("metrics-"))
                foreach (var row in await ReadOrSkipAsync<MeasurementParquetRow>(file, cancellationToken))
                    if (ids.Contains(row.TrialId)) measurements.TryAdd((row.TrialId, row.Step), row);
        var metrics = measurements.Values.OrderBy(r => r.TrialId, StringComparer.Ordinal).ThenBy(r => r.Step).ToList();
        await ParquetFiles.WriteAtomicAsync(MetricsPath, metrics, cancellationToken);
        var rows = trials.OrderBy(t => t.Trial.TrialId, StringComparer.Ordinal).Select(t => TrialParquetRow.From(t.Trial, t.Outcome)).ToList();
        await ParquetFiles.WriteAtomicAsync(TrialsPath, rows, cancellationToken);
    }

    HashSet<long> Steps(string trialId)
    {
        if (!_delivered.TryGetValue(trialId, out var steps)) _delivered[trialId] = steps = [];
        return steps;
    }

    IEnumerable<string> PartFiles(string prefix) =>
        System.IO.Directory.EnumerateFiles(PartsDirectory, prefix + "*.parquet").Order(StringComparer.Ordinal);

    /// <summary>A part that cannot be read (e.g. written by an incompatible version) is logged and skipped, not fatal.</summary>
    async Task<IList<T>> ReadOrSkipAsync<T>(string path, CancellationToken cancellationToken) where T : class, new()
    {
        try
        {
            return await ParquetFiles.ReadAsync<T>(path, cancellationToken);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or InvalidOperationException or NotSupportedException or Parquet.ParquetException)
        {
            logger.LogWarning(e, "Skipping unreadable output file {Path}", path);
            return [];
        }
    }
}
