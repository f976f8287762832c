using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Training;

namespace OrleansConfusion.Engine.Tests.Training;

[Collection(ProcessMeasurementCollection.Name)]
public sealed class TrialRunnerTests
{
    static TrialConfig Sphere(int epochs = 2, long seed = 1, double lr = 0.1, Activation activation = Activation.Relu, int depth = 2) => new()
    {
        Seed = seed,
        Dataset = new DatasetConfig { Name = "sphere", SphereDimension = 16, SphereTrainSamples = 512, SphereTestSamples = 128, SphereClasses = 4 },
        Model = new ModelConfig { Width = 32, Depth = depth, Activation = activation },
        Training = new TrainingConfig { LearningRate = lr, BatchSize = 64, Epochs = epochs },
        Measurement = new MeasurementConfig { PaperPairs = 4, PaperBatch = 32, PerSampleM = 16, EvalSubset = 256 },
    };

    static (TrialResult Result, List<MeasurementRecord> Records) Run(
        TrialConfig config, string? checkpoint = null, CancellationToken token = default, Action<MeasurementRecord>? also = null, long? resumeThrough = null)
    {
        using var data = DatasetLoader.Load(config.Dataset);
        var records = new List<MeasurementRecord>();
        var result = TrialRunner.Run(config, data, new TrialRunContext
        {
            OnMeasurement = r => { records.Add(r); also?.Invoke(r); },
            CheckpointPath = checkpoint,
            CancellationToken = token,
            DeliveredThroughStep = resumeThrough is { } step ? () => step : null,
        });
        return (result, records);
    }

    [Fact]
    public void SameSeedGivesTheSameNumbers()
    {
        var (a, ra) = Run(Sphere(seed: 3));
        var (b, rb) = Run(Sphere(seed: 3));
        var (_, rc) = Run(Sphere(seed: 4));
        Assert.Equal(a.FinalLoss, b.FinalLoss);
        Assert.Equal(ra.Select(r => (r.TrainLoss, r.Paper!.Min, r.PerSample!.Eta)), rb.Select(r => (r.TrainLoss, r.Paper!.Min, r.PerSample!.Eta)));
        Assert.NotEqual(ra[^1].TrainLoss, rc[^1].TrainLoss);
    }

    [Fact]
    public void MeasuresBeforeTrainingAndAfterEachEpoch()
    {
        var (result, records) = Run(Sphere(epochs: 3));
        Assert.Equal(TrialOutcomeStatus.Completed, result.Status);
        Assert.Equal([0L, 8L, 16L, 24L], records.Select(r => r.Step));
        Assert.Equal([0, 1, 2, 3], records.Select(r => r.Epoch));
        Assert.All(records, r => Assert.InRange(r.Paper!.Min, -1, 1));
        Assert.All(records, r => Assert.True(r.PerSample!.Eta >= 0));
        Assert.True(double.IsNaN(records[0].SgdLoss));
        Assert.False(double.IsNaN(records[1].SgdLoss));
    }

    [Fact]
    public void HugeLearningRateDivergesWithoutThrowing()
    {
        var (result, _) = Run(Sphere(lr: 1e8, activation: Activation.Identity, depth: 4));
        Assert.Equal(TrialOutcomeStatus.Diverged, result.Status);
        Assert.Contains("non-finite", result.Error);
    }

    [Fact]
    public void ResumesFromCheckpointToTheSameResult()
    {
        using var dir = new TempDirectory("oc-ckpt");
        string path = dir.Combine("trial.safetensors");
        var config = Sphere(epochs: 4, seed: 9);
        var (straight, straightRecords) = Run(config);

        using var cts = new CancellationTokenSource();
        var (first, firstRecords) = Run(config, path, cts.Token, r => { if (r.Epoch == 2) cts.Cancel(); });
        Assert.Equal(TrialOutcomeStatus.Cancelled, first.Status);
        Assert.True(File.Exists(path));

        var (resumed, resumedRecords) = Run(config, path);
        Assert.True(resumed.Resumed);
        Assert.Equal(TrialOutcomeStatus.Completed, resumed.Status);
        Assert.Equal(straight.FinalLoss, resumed.FinalLoss, 1e-6);
        // No step is reported twice across the two attempts.
        var steps = firstRecords.Concat(resumedRecords).Select(r => r.Step).ToList();
        Assert.Equal(steps.Distinct().Count(), steps.Count);
        Assert.Equal(straightRecords.Select(r => r.Step), steps);
    }

    [Theory]
    // Measurements at steps 0, 8, 16, 24, 32; the interrupted run left checkpoints after epochs 2 (step 16) and 3 (step 24).
    [InlineData(24L, new long[] { 32 }, 24L)]            // the caller holds the newest checkpoint's rows: resume after epoch 3
    [InlineData(16L, new long[] { 24, 32 }, 16L)]        // it lost step 24's row: resume from the previous checkpoint
    [InlineData(8L, new long[] { 0, 8, 16, 24, 32 }, -1L)] // it holds less than either: start over
    public void ResumesOnlyFromACheckpointWhoseRowsTheCallerHolds(long resumeThrough, long[] expectedSteps, long expectedFrom)
    {
        using var dir = new TempDirectory("oc-ckpt");
        string path = dir.Combine("trial.safetensors");
        var config = Sphere(epochs: 4, seed: 9);
        var (straight, _) = Run(config);
        using var cts = new CancellationTokenSource();
        Run(config, path, cts.Token, r => { if (r.Epoch == 3) cts.Cancel(); });
        Assert.True(File.Exists(TrialCheckpoint.PreviousPath(path)));

        var (resumed, records) = Run(config, path, resumeThrough: resumeThrough);
        Assert.Equal(expectedFrom < 0 ? null : expectedFrom, resumed.ResumedFromStep);
        Assert.Equal(expectedSteps, records.Select(r => r.Step));
        Assert.Equal(TrialOutcomeStatus.Completed, resumed.Status);
        Assert.Equal(straight.FinalLoss, resumed.FinalLoss, 1e-6);
    }

    [Fact]
    public void LearningRateDecaysAtTheGivenEpochs()
    {
        var training = new TrainingConfig { LearningRate = 0.1, LrDecayEpochs = [2, 4], LrDecayFactor = 0.1 };
        Assert.Equal(0.1, TrialRunner.LearningRate(training, 1), 12);
        Assert.Equal(0.01, TrialRunner.LearningRate(training, 2), 12);
        Assert.Equal(0.001, TrialRunner.LearningRate(training, 5), 12);
    }

    [Fact]
    public void NativeMemoryStaysFlatOverALongRun()
    {
        var config = Sphere(epochs: 1) with
        {
            Training = new TrainingConfig { LearningRate = 0.05, BatchSize = 128, Steps = 1500 },
            Measurement = new MeasurementConfig { EachEpoch = false, EveryNSteps = 250, PaperPairs = 2, PaperBatch = 64, PerSampleM = 32, EvalSubset = 256 },
        };
        var live = new List<long>();
        var rss = new List<long>();
        Run(config, also: _ =>
        {
            live.Add(TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            GC.Collect();
            rss.Add(Process.GetCurrentProcess().WorkingSet64);
        });
        // Measurements at steps 0, 250, ..., 1500. A step that leaks even one tensor handle shows
        // up as ~1000 extra live tensors; native growth is bounded loosely (allocator noise).
        Assert.Equal(7, live.Count);
        Assert.True(live[^1] - live[1] <= 2, $"live tensors went from {live[1]} to {live[^1]} over 1250 steps");
        long growth = rss[^1] - rss[1];
        Assert.True(growth < 150L * 1024 * 1024, $"working set grew {growth / 1024 / 1024} MB over 1250 steps");
    }
}
