using OrleansConfusion.Grains.Abstractions;
using Parquet.Serialization;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// Writes a tiny sweep output folder (a part in trials/ and one in metrics/) with Parquet.Net, from trial
/// configurations and a function that plants the per-epoch values. Deletes its temp folder on dispose.
/// </summary>
public sealed class SyntheticSweep : IDisposable
{
    public const int HistogramBins = 20;

    public SyntheticSweep(string name = "synthetic")
    {
        Root = Path.Combine(Path.GetTempPath(), "confusion-report-tests", Guid.NewGuid().ToString("N"));
        Directory = Path.Combine(Root, name);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, DatasetLayout.Trials));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, DatasetLayout.Metrics));
    }

    public string Root { get; }

    /// <summary>The sweep output folder (&lt;root&gt;/&lt;sweep&gt;).</summary>
    public string Directory { get; }

    /// <summary>The one part of each kind, as a sweep's end leaves a small sweep's dataset.</summary>
    public string TrialsPath => Path.Combine(Directory, DatasetLayout.Trials, DatasetLayout.PartName(1, 1));
    public string MetricsPath => Path.Combine(Directory, DatasetLayout.Metrics, DatasetLayout.PartName(1, 1));
    public string ReportPath => Path.Combine(Directory, "report");

    /// <summary>
    /// A trial of the sink's own row type, with the configuration the synthetic sweeps share; a test changes what it
    /// varies with <c>with</c> (<c>SyntheticSweep.Trial with { Width = 8 }</c>). The report reads what the sink writes,
    /// through the one schema (<see cref="TrialOutcome"/>, <see cref="MeasurementRow"/>), not a copy of its columns.
    /// </summary>
    public static TrialOutcome Trial { get; } = new()
    {
        Architecture = "mlp", Init = "he_normal", InitScale = 1, Activation = "relu", Bias = true, Dataset = "sphere", Lr = 0.1, Status = "completed",
    };

    public List<TrialOutcome> Trials { get; } = [];
    public List<MeasurementRow> Metrics { get; } = [];

    /// <summary>Adds one trial per seed of <paramref name="config"/>, with measurements at epochs 0..epochs.</summary>
    public void AddTrials(TrialOutcome config, IEnumerable<long> seeds, int epochs, Func<TrialOutcome, int, Planted> plant)
    {
        foreach (long seed in seeds)
        {
            var trial = config with { Seed = seed, SweepId = Path.GetFileName(Directory) };
            trial = trial with
            {
                TrialId = $"{trial.Architecture}-w{trial.Width}-d{trial.Depth}-{trial.Init}-bn{(trial.BatchNorm ? 1 : 0)}-s{(trial.Skip ? 1 : 0)}-{trial.Activation}{(trial.Lr != 0.1 ? $"-lr{trial.Lr}" : "")}-seed{seed}",
            };
            for (int epoch = 0; epoch <= epochs; epoch++)
            {
                var p = plant(trial, epoch);
                Metrics.Add(WithColumnsOf(trial, new MeasurementRow
                {
                    TrialId = trial.TrialId, Step = epoch * 32L, Epoch = epoch, LearningRate = trial.Lr,
                    SgdLoss = p.Loss, TrainLoss = p.Loss, TestLoss = p.Loss, TrainAccuracy = 0.5, TestAccuracy = 0.5,
                    WallSeconds = epoch, PaperMinCosine = p.MinCosine, PaperMedianCosine = p.MinCosine + 0.5,
                    PaperFractionNegative = 0.3, PaperHistogram = Histogram(p.MinCosine), Eta = p.Eta,
                    PerSampleMinCosine = p.MinCosine - 0.1, PerSampleHistogram = Histogram(p.MinCosine - 0.1), GradNormMean = 1,
                    RecordedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                }));
            }
            double final = plant(trial, epochs).Loss;
            Trials.Add(trial with { FinalLoss = final, BestLoss = final, FinishedAt = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) });
        }
    }

    /// <summary>
    /// <paramref name="row"/> with every configuration column of <paramref name="trial"/>, as the coordinator completes a
    /// row: copied by reflection over <see cref="TrialColumns"/>, so this test never lists the columns itself.
    /// </summary>
    static MeasurementRow WithColumnsOf(TrialOutcome trial, MeasurementRow row)
    {
        var copy = row with { };
        foreach (var property in typeof(TrialColumns).GetProperties())
            if (property.CanWrite) property.SetValue(copy, property.GetValue(trial));
        return copy;
    }

    /// <summary>100 cosines spread from the minimum up to 1, in the engine's bins over [-1, 1].</summary>
    static long[] Histogram(double min)
    {
        var h = new long[HistogramBins];
        for (int i = 0; i < 100; i++)
        {
            double c = min + (1 - min) * i / 99.0;
            int bin = (int)Math.Floor((Math.Clamp(c, -1, 1) + 1) / 2 * HistogramBins);
            h[Math.Min(bin, HistogramBins - 1)]++;
        }
        return [.. h];
    }

    public async Task WriteAsync()
    {
        await ParquetSerializer.SerializeAsync(Trials, TrialsPath);
        await ParquetSerializer.SerializeAsync(Metrics, MetricsPath);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>
    /// A reproducible "noise" term for a seed: every axis value gets the same multiset of offsets (so no
    /// trend is hidden in it), in an order that differs between seeds.
    /// </summary>
    public static double Noise(long seed, int salt, double scale)
    {
        double[] offsets = [-1.0, 0.35, 0.9, -0.4, 0.15];
        return scale * offsets[(int)((seed + salt) % offsets.Length)];
    }
}
