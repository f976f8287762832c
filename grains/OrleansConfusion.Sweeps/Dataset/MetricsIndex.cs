using OrleansConfusion.Grains.Abstractions;
using Parquet;
using Parquet.Schema;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// What a coordinator needs of a sealed metrics part when it loads: per row, the trial, the step and the three values a
/// trial's summary shows (<see cref="LastMeasurement"/>). Read as five columns, row group by row group, not as whole
/// rows: a million rows' histograms stay on disk.
/// </summary>
public static class MetricsIndex
{
    /// <summary>Calls <paramref name="row"/> for each row of the part (a <see cref="MeasurementRow"/> with those columns only); returns how many.</summary>
    public static async Task<long> ReadAsync(string path, Action<string, MeasurementRow> row, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        // Top-level columns only: the histograms' list elements are all named "element".
        var fields = reader.Schema.Fields.OfType<DataField>().ToDictionary(f => f.Name, StringComparer.Ordinal);
        DataField Field(string name) => fields.TryGetValue(name, out var f) ? f
            : throw new InvalidDataException($"{path}: no column {name}; it is not a metrics part of this version");
        long count = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            int n = checked((int)group.RowCount);
            var trials = new string?[n];
            var steps = new long[n];
            var paper = new double?[n];
            var perSample = new double?[n];
            var eta = new double?[n];
            await group.ReadAsync(Field("trial_id"), trials.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync(Field("step"), steps.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync(Field("paper_min_cosine"), paper.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync(Field("per_sample_min_cosine"), perSample.AsMemory(), cancellationToken: cancellationToken);
            await group.ReadAsync(Field("eta"), eta.AsMemory(), cancellationToken: cancellationToken);
            for (int i = 0; i < n; i++)
            {
                string id = trials[i] ?? "";
                row(id, new MeasurementRow { TrialId = id, Step = steps[i], PaperMinCosine = paper[i], PerSampleMinCosine = perSample[i], Eta = eta[i] });
            }
            count += n;
        }
        return count;
    }
}
