using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// Everything one measurement needs, chosen once per trial: the fixed evaluation subset of the
/// training set, the test set and the M samples of the per-sample Gram (fixed, so the per-sample
/// trajectory follows the same samples). Paper-protocol batches are drawn fresh at each step from a
/// generator seeded by (trial seed, step), so a resumed trial draws the same batches.
/// </summary>
internal sealed class MeasurementProbe : IDisposable
{
    private const int EvalChunk = 1024;
    private readonly TrialConfig _config;
    private readonly Tensor _trainX, _trainY, _evalX, _evalY, _testX, _testY;
    private readonly Tensor? _sampleX, _sampleY;
    private readonly AllPairsWorkspace _allPairs = new();

    /// <summary>The training set on the trial's device, shared with the SGD loop.</summary>
    public Tensor TrainInputs => _trainX;

    public Tensor TrainLabels => _trainY;

    public MeasurementProbe(TrialConfig config, DatasetSplits data, Device device)
    {
        _config = config;
        var m = config.Measurement;
        (_trainX, _trainY, _evalX, _evalY, _testX, _testY) = OnDevice(m, data, device);
        if (m.PerSampleM > 0)
        {
            using var index = tensor(PerSampleIndices(config.Seed, data.Train.Count, m.PerSampleM), device: device);
            _sampleX = _trainX.index_select(0, index);
            _sampleY = _trainY.index_select(0, index);
        }
    }

    /// <summary>
    /// The data a trial measures on, on its device: the training set (shared with the SGD loop), its evaluation subset
    /// (the first <see cref="MeasurementConfig.EvalSubset"/> samples, a view) and the test set. Fused seeds read the same.
    /// </summary>
    internal static (Tensor TrainX, Tensor TrainY, Tensor EvalX, Tensor EvalY, Tensor TestX, Tensor TestY) OnDevice(
        MeasurementConfig m, DatasetSplits data, Device device)
    {
        var trainX = data.Train.Inputs.to(device);
        var trainY = data.Train.Labels.to(device);
        long evalCount = Math.Min(m.EvalSubset, data.Train.Count);
        return (trainX, trainY, trainX[TensorIndex.Slice(0, evalCount)], trainY[TensorIndex.Slice(0, evalCount)],
            data.Test.Inputs.to(device), data.Test.Labels.to(device));
    }

    /// <summary>
    /// The samples of a trial's per-sample Gram: the first <paramref name="m"/> of a shuffle drawn from stream 2 of its
    /// seed, fixed for the trial's life. A fused seed draws the same, so its Gram is over the same samples.
    /// </summary>
    internal static long[] PerSampleIndices(long seed, int trainCount, int m)
    {
        var random = new Random(SeedMix.Combine(seed, 2, 0));
        var order = Enumerable.Range(0, trainCount).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        return order[..Math.Min(m, order.Length)];
    }

    public MeasurementRecord Measure(nn.Module<Tensor, Tensor> model, long step, int epoch, double learningRate, double wallSeconds)
    {
        var m = _config.Measurement;
        var (trainLoss, trainAccuracy) = Evaluate(model, _evalX, _evalY);
        var (testLoss, testAccuracy) = Evaluate(model, _testX, _testY);

        // A diverged model (non-finite loss) has no meaningful gradients to compare: each measurement is skipped.
        bool finite = double.IsFinite(trainLoss);
        var (paper, paperSeconds) = Timed(finite && m.PaperPairs > 0, () =>
            PaperProtocol.Measure(model, _trainX, _trainY, m.PaperPairs, m.PaperBatch, new Random(SeedMix.Combine(_config.Seed, 3, step)), m.HistogramBins));
        // Its own generator stream (4), so turning it on leaves the random-pairs draws unchanged.
        var (allPairs, allPairsSeconds) = Timed(finite && m.PaperBatches > 1, () =>
            PaperProtocol.MeasureAllPairs(model, _trainX, _trainY, m.PaperBatches, m.PaperBatch, new Random(SeedMix.Combine(_config.Seed, 4, step)), m.HistogramBins,
                workspace: _allPairs));
        var (perSample, perSampleSeconds) = Timed(finite && _sampleX is not null && _sampleY is not null, () =>
            PerSampleStatistics.FromGram(PerSampleGram.Compute(model, _sampleX!, _sampleY!), m.HistogramBins));

        return new MeasurementRecord
        {
            Step = step,
            Epoch = epoch,
            LearningRate = learningRate,
            TrainLoss = trainLoss,
            TrainAccuracy = trainAccuracy,
            TestLoss = testLoss,
            TestAccuracy = testAccuracy,
            WallSeconds = wallSeconds,
            Paper = paper,
            PaperSeconds = paperSeconds,
            PaperAllPairs = allPairs,
            PaperAllPairsBatches = allPairs is null ? 0 : m.PaperBatches,
            PaperAllPairsSeconds = allPairsSeconds,
            PerSample = perSample,
            PerSampleSeconds = perSampleSeconds,
        };
    }

    /// <summary>The measurement and its wall time when <paramref name="enabled"/>, else (null, 0).</summary>
    private static (T? Value, double Seconds) Timed<T>(bool enabled, Func<T> measure) where T : class
    {
        if (!enabled) return (null, 0);
        var clock = Stopwatch.StartNew();
        var value = measure();
        return (value, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Mean cross-entropy and accuracy in eval mode, in chunks to bound memory.</summary>
    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y)
    {
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            long n = x.shape[0];
            double lossSum = 0, correct = 0;
            for (long start = 0; start < n; start += EvalChunk)
            {
                using var scope = NewDisposeScope();
                long end = Math.Min(start + EvalChunk, n);
                var logits = model.call(x[TensorIndex.Slice(start, end)]);
                var labels = y[TensorIndex.Slice(start, end)];
                lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).ToDouble();
                correct += logits.argmax(1).eq(labels).sum().ToDouble();
            }
            return (lossSum / n, correct / n);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    public void Dispose()
    {
        foreach (var t in new[] { _trainX, _trainY, _evalX, _evalY, _testX, _testY, _sampleX, _sampleY }) t?.Dispose();
        _allPairs.Dispose();
    }
}
