using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// The record of the previous output version (<c>parts/measurements-gN.jsonl</c> and <c>parts/trials-gN.jsonl</c>), moved
/// into the dataset once, so an output folder written before the dataset existed resumes: its rows become metrics parts
/// of generation N, its outcomes a trials part, its starts a starts record. The old lines differ from today's rows in a
/// few names only (paper_all_pairs_* for paper_allpairs_*, an outcome nested in an event, state for status, steps and
/// epochs for trained_steps and trained_epochs) and in writing NaN where today a row has no value: they are renamed in
/// the JSON and read as today's rows, not through a second copy of the row types. Part names are deterministic, so a
/// migration a crash cut off runs again to the same parts; the old record goes last, the old final files to pre-dataset/.
/// </summary>
internal static partial class LegacyRecord
{
    /// <summary>Where the old version's trials.parquet and metrics.parquet go once their rows are in the dataset.</summary>
    public const string PreDataset = "pre-dataset";

    public static async Task MigrateAsync(string directory, int partRows, ILogger logger, CancellationToken cancellationToken)
    {
        string legacy = Path.Combine(directory, "parts");
        if (!Directory.Exists(legacy)) return;
        var files = Directory.EnumerateFiles(legacy, "*.jsonl").Select(p => (Path: p, Match: Name().Match(Path.GetFileName(p)))).Where(f => f.Match.Success).ToList();
        foreach (var (path, match) in files.Where(f => f.Match.Groups["kind"].Value == "measurements"))
        {
            int generation = int.Parse(match.Groups["g"].Value, CultureInfo.InvariantCulture), sequence = 0;
            var rows = new List<MeasurementRow>();
            async Task FlushAsync()
            {
                rows.Sort((a, b) => string.CompareOrdinal(a.TrialId, b.TrialId) is var c and not 0 ? c : a.Step.CompareTo(b.Step));
                await PartFile.WriteAsync(Path.Combine(directory, DatasetLayout.Metrics), DatasetLayout.PartName(generation, ++sequence), rows, cancellationToken, overwrite: true);
                rows.Clear();
            }
            foreach (var node in await LinesAsync(path, cancellationToken))
            {
                Rename(node, n => n.StartsWith("paper_all_pairs_", StringComparison.Ordinal) ? "paper_allpairs_" + n["paper_all_pairs_".Length..] : n);
                if (node.Deserialize(RecordJson.Default.MeasurementRow) is { } row) rows.Add(row);
                if (rows.Count >= partRows) await FlushAsync();
            }
            if (rows.Count > 0) await FlushAsync();
        }
        foreach (var (path, match) in files.Where(f => f.Match.Groups["kind"].Value == "trials"))
        {
            int generation = int.Parse(match.Groups["g"].Value, CultureInfo.InvariantCulture);
            var outcomes = new List<TrialOutcome>();
            var starts = new List<TrialOutcome>();
            foreach (var e in await LinesAsync(path, cancellationToken))
            {
                string trialId = e["trial_id"]?.GetValue<string>() ?? "";
                if (e["outcome"] is JsonObject outcome)
                {
                    outcome["trial_id"] = trialId;
                    Rename(outcome, n => n switch { "state" => "status", "steps" => "trained_steps", "epochs" => "trained_epochs", _ => n });
                    if (outcome["status"] is JsonValue status) outcome["status"] = status.GetValue<string>().ToLowerInvariant();
                    if (outcome.Deserialize(RecordJson.Default.TrialOutcome) is { } o) outcomes.Add(o);
                }
                else
                {
                    starts.Add(new TrialOutcome
                    {
                        TrialId = trialId, Status = "running", Attempt = e["attempt"]?.GetValue<int>() ?? 0,
                        TrainingStartedAt = e["started_at"] is JsonValue at ? at.GetValue<DateTimeOffset>().UtcDateTime : null,
                    });
                }
            }
            if (outcomes.Count > 0) await PartFile.WriteAsync(Path.Combine(directory, DatasetLayout.Trials), DatasetLayout.PartName(generation, 1), outcomes, cancellationToken, overwrite: true);
            if (starts.Count > 0)
            {
                string startsPath = Path.Combine(directory, DatasetLayout.RecordFolder, DatasetLayout.StartsName(generation));
                Directory.CreateDirectory(Path.GetDirectoryName(startsPath)!);
                string temp = $"{startsPath}.tmp-{Guid.NewGuid():N}";
                await File.WriteAllLinesAsync(temp, starts.Select(s => JsonSerializer.Serialize(s, RecordJson.Default.TrialOutcome)), cancellationToken);
                File.Move(temp, startsPath, overwrite: true);
            }
        }
        // The old final files were built from this record: the dataset now holds their rows, and they would go stale as
        // the sweep goes on. They move aside (not deleted: they are the user's), out of any glob of the dataset.
        foreach (string old in new[] { "trials.parquet", "metrics.parquet" }.Select(f => Path.Combine(directory, f)).Where(File.Exists))
        {
            string aside = Path.Combine(directory, PreDataset, Path.GetFileName(old));
            Directory.CreateDirectory(Path.GetDirectoryName(aside)!);
            File.Move(old, aside, overwrite: true);
        }
        foreach (var (path, _) in files) File.Delete(path);
        if (!Directory.EnumerateFileSystemEntries(legacy).Any()) Directory.Delete(legacy);
        logger.LogInformation("Moved the record of an older output version in {Directory} ({Files} files) into its Parquet dataset", directory, files.Count);
    }

    /// <summary>The lines of an old record, skipping torn or unreadable ones, with NaN and infinities (today: no value) removed.</summary>
    static async Task<List<JsonObject>> LinesAsync(string path, CancellationToken cancellationToken)
    {
        var lines = new List<JsonObject>();
        foreach (string line in await File.ReadAllLinesAsync(path, cancellationToken))
        {
            JsonObject? node;
            try { node = JsonNode.Parse(line) as JsonObject; }
            catch (JsonException) { continue; }
            if (node is null) continue;
            Scrub(node);
            lines.Add(node);
        }
        return lines;
    }

    static void Scrub(JsonObject node)
    {
        foreach (var (key, value) in node.ToList())
        {
            if (value is JsonObject inner) Scrub(inner);
            else if (value is JsonValue v && v.TryGetValue(out string? text) && text is "NaN" or "Infinity" or "-Infinity") node.Remove(key);
        }
    }

    static void Rename(JsonObject node, Func<string, string> rename)
    {
        foreach (var (key, value) in node.ToList())
        {
            string to = rename(key);
            if (to == key) continue;
            node.Remove(key);
            node[to] = value;
        }
    }

    [GeneratedRegex(@"^(?<kind>measurements|trials)-g(?<g>\d{6,9})\.jsonl$")]
    private static partial Regex Name();
}
