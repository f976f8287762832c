using System.Globalization;
using Parquet.Serialization;

namespace OrleansConfusion.Cli.Results;

/// <summary>
/// Reads a sweep folder's dataset (the sealed parts of &lt;out&gt;/&lt;sweep&gt;/trials/ and metrics/, or an older
/// version's trials.parquet and metrics.parquet) into summary rows. Columns are looked up by name (snake_case, several
/// accepted spellings) rather than bound to a class, so the CLI keeps working while the output schema gains columns.
/// </summary>
public sealed class ParquetResultsReader
{
    /// <exception cref="FileNotFoundException">The sweep directory has no trials yet.</exception>
    public async Task<SweepResults> ReadAsync(string sweepDirectory, CancellationToken cancellationToken)
    {
        var trialsFiles = DatasetFiles.Of(sweepDirectory, DatasetLayout.Trials);
        var metricsFiles = DatasetFiles.Of(sweepDirectory, DatasetLayout.Metrics);
        if (trialsFiles.Count == 0)
            throw new FileNotFoundException($"no trials in {sweepDirectory} yet: its trials/ folder holds no sealed part", Path.Combine(sweepDirectory, DatasetLayout.Trials));

        // A trial re-run by a resubmit can have an older outcome in an earlier part until the sweep ends: the newest counts.
        var newest = new Dictionary<string, Dictionary<string, object>>(StringComparer.Ordinal);
        foreach (string file in trialsFiles)
            await foreach (var row in ReadRowsAsync(file, cancellationToken))
                if (Text(row, "trial_id") is { } id && (!newest.TryGetValue(id, out var seen) || (Value(row, ["finished_at"]) as DateTime? ?? default) >= (Value(seen, ["finished_at"]) as DateTime? ?? default)))
                    newest[id] = row;
        var trials = newest.Values.ToList();
        var last = new Dictionary<string, Dictionary<string, object>>();
        long measurements = 0;
        foreach (string file in metricsFiles)
        {
            await foreach (var row in ReadRowsAsync(file, cancellationToken))
            {
                measurements++;
                KeepLast(last, row);
            }
        }

        var rows = trials.Select(t =>
        {
            string id = Text(t, "trial_id") ?? "";
            last.TryGetValue(id, out var m);
            return new TrialSummary
            {
                TrialId = id,
                Label = Text(t, "label") ?? Label(t) ?? id,
                Status = (Text(t, "status", "state") ?? "").ToLowerInvariant(),
                FinalLoss = Number(t, "final_loss"),
                FinalAccuracy = Number(t, "final_accuracy", "final_train_accuracy"),
                FinalTestAccuracy = Number(t, "final_test_accuracy"),
                MinCosine = m is null ? null : Number(m, "paper_min_cosine"),
                PerSampleMinCosine = m is null ? null : Number(m, "per_sample_min_cosine"),
                Eta = m is null ? null : Number(m, "eta", "per_sample_eta"),
                Error = Text(t, "error", "error_message"),
            };
        }).OrderBy(r => r.Label, NaturalComparer.Instance).ToList();
        return new SweepResults(sweepDirectory, DatasetFiles.Glob(sweepDirectory, DatasetLayout.Trials), DatasetFiles.Glob(sweepDirectory, DatasetLayout.Metrics), rows, measurements);
    }

    /// <summary>
    /// The file's rows, one row group at a time: a metrics file of millions of rows is never held whole (only each
    /// trial's last measurement is kept).
    /// </summary>
    static async IAsyncEnumerable<Dictionary<string, object>> ReadRowsAsync(string file, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(file);
        int groups;
        await using (var reader = await Parquet.ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken)) groups = reader.RowGroupCount;
        for (int g = 0; g < groups; g++)
        {
            stream.Position = 0;
            var result = await ParquetSerializer.DeserializeUntypedAsync(stream, null, g, cancellationToken);
            foreach (var row in result.Data) yield return row;
        }
    }

    /// <summary>Keeps each trial's measurement with the highest step: the end-of-training confusion.</summary>
    static void KeepLast(Dictionary<string, Dictionary<string, object>> last, Dictionary<string, object> row)
    {
        if (Text(row, "trial_id") is not { } id) return;
        if (!last.TryGetValue(id, out var seen) || (Number(row, "step") ?? 0) >= (Number(seen, "step") ?? 0)) last[id] = row;
    }

    /// <summary>"mlp w64 d2 he_normal s0", the same shape as the live view's labels.</summary>
    static string? Label(Dictionary<string, object> row)
    {
        string? arch = Text(row, "architecture");
        if (arch is null) return null;
        var parts = new List<string> { arch };
        if (Number(row, "width") is { } w) parts.Add($"w{w:0}");
        if (Number(row, "depth") is { } d) parts.Add($"d{d:0}");
        if (Text(row, "init") is { } init) parts.Add(init);
        if (Text(row, "batch_norm") is "True" or "true") parts.Add("bn");
        if (Text(row, "skip") is "True" or "true") parts.Add("skip");
        if (Text(row, "activation") is { } act and not "relu") parts.Add(act);
        if (Number(row, "seed") is { } s) parts.Add($"s{s:0}");
        return string.Join(' ', parts);
    }

    static object? Value(Dictionary<string, object> row, string[] names)
    {
        foreach (string name in names)
            if (row.TryGetValue(name, out var value) && value is not null) return value;
        return null;
    }

    static string? Text(Dictionary<string, object> row, params string[] names) => Value(row, names) switch
    {
        null => null,
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var o => o.ToString(),
    };

    static double? Number(Dictionary<string, object> row, params string[] names) => Value(row, names) switch
    {
        double d when !double.IsNaN(d) => d,
        float f when !float.IsNaN(f) => f,
        int i => i,
        long l => l,
        short s => s,
        decimal m => (double)m,
        _ => null,
    };
}
