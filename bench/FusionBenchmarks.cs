using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Cli.Hosting;
using OrleansConfusion.Cli.Spec;
using OrleansConfusion.Grains;

namespace OrleansConfusion.Bench;

/// <summary>
/// Seed fusion (issue #15): S = 5 seeds of one configuration (and, issue #24, 4 learning rates × 5 seeds) trained one after another by
/// <see cref="TrialRunner"/> against the same 5 as one <see cref="FusedTrialRunner"/> group, training and
/// every measurement included. The configuration is examples/quick.yaml's (sphere d = 16, 1024/256 samples,
/// 4 classes, MLP depth 2, He init, lr 0.05, batch 64, 3 epochs, paper protocol 20 pairs of 64, per-sample
/// M = 64, eval subset 512) at widths 16, 64 and 256. Unfused and fused runs alternate, so drift of this
/// shared machine's speed falls on both; the ratio of the medians is reported. The same runs are the
/// equivalence check: <c>fusion_max_rel_diff</c> is the largest relative difference between a fused seed's
/// measurement and its unfused run over every row (as in FusedTrialRunnerTests: losses relative to
/// themselves, cosines and accuracies to max(|x|, 1), Gram quantities to the largest squared gradient norm).
/// </summary>
internal static class FusionBenchmarks
{
    const int Seeds = 5;

    /// <summary>Four learning rates of one shape fused with the seeds (issue #24): a group of 20 members, one model.</summary>
    static readonly double[] LearningRates = [0.01, 0.02, 0.05, 0.1];

    public static void Run(Action<string, double> report, bool quick)
    {
        int repeats = quick ? 1 : 7;
        double worst = 0;
        foreach (int width in new[] { 16, 64, 256 })
        {
            var configs = Enumerable.Range(0, Seeds).Select(seed => QuickYaml(width, seed)).ToList();
            report($"fusion_speedup_mlp_w{width}_s{Seeds}", Compare($"width {width}", configs, repeats, ref worst));
        }
        // Members that differ in their learning rate as well as their seed: 4 × 5 trials alone against one group of 20.
        var lrSeeds = LearningRates.SelectMany(lr => Enumerable.Range(0, Seeds).Select(seed => QuickYaml(16, seed) is var c
            ? c with { Training = c.Training with { LearningRate = lr } } : c)).ToList();
        report($"fusion_speedup_mlp_w16_lr{LearningRates.Length}_s{Seeds}", Compare($"width 16 x {LearningRates.Length} learning rates", lrSeeds, repeats, ref worst));
        report("fusion_max_rel_diff", worst);
    }

    /// <summary>
    /// The members trained one after another, then as one fused group, alternating; returns the ratio of the medians
    /// and raises <paramref name="worst"/> to the largest difference between a fused member's rows and its run alone.
    /// </summary>
    static double Compare(string label, List<TrialConfig> configs, int repeats, ref double worst)
    {
        using var data = DatasetLoader.Load(configs[0].Dataset);
        // One of each first: JIT and libtorch's first-call costs are not the steady state a sweep sees.
        RunAlone(configs, data);
        RunFused(configs, data);
        var alone = new List<double>();
        var fused = new List<double>();
        for (int r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var aloneRows = RunAlone(configs, data);
            alone.Add(clock.Elapsed.TotalSeconds);
            clock.Restart();
            var fusedRows = RunFused(configs, data);
            fused.Add(clock.Elapsed.TotalSeconds);
            worst = Math.Max(worst, MaxRelativeDifference(fusedRows, aloneRows));
            // Where the time went: a fused seed's *Seconds are its share of the group's, so their sum over seeds is the group's.
            Console.WriteLine($"#   run {r}: measurements {GradientSeconds(aloneRows) * 1e3:0} ms of {alone[^1] * 1e3:0} unfused (per-sample {PerSampleSeconds(aloneRows) * 1e3:0}), " +
                $"{GradientSeconds(fusedRows) * 1e3:0} ms of {fused[^1] * 1e3:0} fused (per-sample {PerSampleSeconds(fusedRows) * 1e3:0})");
        }
        Console.WriteLine($"# {label}: {configs.Count} unfused trials {Median(alone) * 1e3:0} ms, one fused group {Median(fused) * 1e3:0} ms (medians of {repeats})");
        return Median(alone) / Median(fused);
    }

    /// <summary>
    /// <c>fusion_quick_sweep_speedup</c>: examples/quick.yaml end to end on the silo `confusion run` embeds (one CPU slot,
    /// the real trainer), submit to final files, with <c>fuse_seeds: false</c> ÷ with fusion (the default): 6 trials one
    /// after another against 3 fused groups. One of each first (first-use costs), then alternating, ratio of the medians.
    /// </summary>
    public static async Task RunQuickSweepAsync(Action<string, double> report, string repoRoot, bool quick)
    {
        var load = new SweepSpecLoader(new CoordinatorSpecPlanner()).Load(Path.Combine(repoRoot, "examples", "quick.yaml"));
        if (!load.IsValid) throw new InvalidOperationException("examples/quick.yaml is invalid: " + string.Join("; ", load.Errors));
        var spec = load.Spec!;
        int repeats = quick ? 1 : 5;
        var walls = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        await using var session = await new EmbeddedClusterFactory().StartAsync(CancellationToken.None);
        await ClusterBenchmarks.InTempFolderAsync(async output =>
        {
            for (int r = -1; r < repeats; r++)
            {
                foreach (bool fuse in new[] { false, true })
                {
                    var run = spec with { Name = $"bench-fusion-quick-{(fuse ? "fused" : "alone")}-{r + 1}", OutputDirectory = output, FuseSeeds = fuse };
                    var (submitted, done) = (await ClusterBenchmarks.RunSweepsAsync(session.Client, [run]))[0];
                    if (r >= 0) walls[fuse].Add((done - submitted).TotalSeconds);
                }
            }
            return 0;
        });
        Console.WriteLine($"# quick.yaml end to end: unfused {Median(walls[false]):0.00} s, fused {Median(walls[true]):0.00} s (medians of {repeats})");
        report("fusion_quick_sweep_speedup", Median(walls[false]) / Median(walls[true]));
    }

    static TrialConfig QuickYaml(int width, int seed) => new()
    {
        Seed = seed,
        Dataset = new DatasetConfig { Name = "sphere", SphereDimension = 16, SphereTrainSamples = 1024, SphereTestSamples = 256, SphereClasses = 4 },
        Model = new ModelConfig { Architecture = Architecture.Mlp, Width = width, Depth = 2, Init = InitScheme.HeNormal },
        Training = new TrainingConfig { LearningRate = 0.05, BatchSize = 64, Epochs = 3 },
        Measurement = new MeasurementConfig { EachEpoch = true, PaperPairs = 20, PaperBatch = 64, PerSampleM = 64, EvalSubset = 512 },
    };

    static List<(TrialResult Result, List<MeasurementRecord> Rows)> RunAlone(IReadOnlyList<TrialConfig> configs, DatasetSplits data) =>
        configs.Select(c =>
        {
            var rows = new List<MeasurementRecord>();
            return (TrialRunner.Run(c, data, new TrialRunContext { OnMeasurement = rows.Add }), rows);
        }).ToList();

    static List<(TrialResult Result, List<MeasurementRecord> Rows)> RunFused(IReadOnlyList<TrialConfig> configs, DatasetSplits data)
    {
        var rows = configs.Select(_ => new List<MeasurementRecord>()).ToList();
        var results = FusedTrialRunner.Run(configs, data, [.. rows.Select(r => new TrialRunContext { OnMeasurement = r.Add })]);
        return [.. results.Select((r, i) => (r, rows[i]))];
    }

    /// <summary>Seconds spent in the paper protocol and the per-sample Gram, over every seed's rows.</summary>
    static double GradientSeconds(List<(TrialResult Result, List<MeasurementRecord> Rows)> runs) =>
        runs.Sum(r => r.Rows.Sum(m => m.PaperSeconds + m.PaperAllPairsSeconds + m.PerSampleSeconds));

    static double PerSampleSeconds(List<(TrialResult Result, List<MeasurementRecord> Rows)> runs) => runs.Sum(r => r.Rows.Sum(m => m.PerSampleSeconds));

    static double MaxRelativeDifference(
        List<(TrialResult Result, List<MeasurementRecord> Rows)> fused, List<(TrialResult Result, List<MeasurementRecord> Rows)> alone)
    {
        static double Rel(double a, double b, double scale) => Math.Abs(a - b) / Math.Max(Math.Abs(b), scale);
        double worst = 0;
        for (int s = 0; s < alone.Count; s++)
        {
            // A different outcome or row count is no small difference: report it as total disagreement.
            if (fused[s].Result.Status != alone[s].Result.Status || fused[s].Rows.Count != alone[s].Rows.Count) return double.PositiveInfinity;
            foreach (var (f, a) in fused[s].Rows.Zip(alone[s].Rows))
            {
                if (f.Step != a.Step) return double.PositiveInfinity;
                var diffs = new List<double> { Rel(f.TrainLoss, a.TrainLoss, 1e-6), Rel(f.TestLoss, a.TestLoss, 1e-6),
                    Rel(f.TrainAccuracy, a.TrainAccuracy, 1), Rel(f.TestAccuracy, a.TestAccuracy, 1) };
                if (f.Paper is { } fp && a.Paper is { } ap)
                    diffs.AddRange([Rel(fp.Min, ap.Min, 1), Rel(fp.Median, ap.Median, 1), Rel(fp.Mean, ap.Mean, 1)]);
                if (f.PerSample is { } fs && a.PerSample is { } ps)
                {
                    double scale = ps.GradNormMax * ps.GradNormMax;
                    diffs.AddRange([Rel(fs.Eta, ps.Eta, scale), Rel(fs.Cosines.Min, ps.Cosines.Min, 1), Rel(fs.Cosines.Mean, ps.Cosines.Mean, 1),
                        Rel(fs.GradNormMedian, ps.GradNormMedian, ps.GradNormMax)]);
                }
                worst = Math.Max(worst, diffs.Max());
            }
        }
        return worst;
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
