using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// <see cref="MeasurementProbe"/> for a fused group: the same evaluation subset, test set, per-sample
/// samples and paper-protocol draws for each seed as its unfused trial (each seed's own generators,
/// seeded by (seed, stream, step) exactly as there), measured with one batched pass over all seeds
/// where the unfused trial makes one per seed.
/// </summary>
internal sealed class FusedMeasurementProbe : IDisposable
{
    private const int EvalChunk = 1024;
    private readonly MeasurementConfig _m;
    private readonly IReadOnlyList<long> _seeds;
    private readonly Tensor _trainX, _trainY, _evalX, _evalY, _testX, _testY;
    private readonly Tensor? _sampleX, _sampleY;
    private readonly AllPairsWorkspace _allPairs = new();

    public Tensor TrainInputs => _trainX;

    public Tensor TrainLabels => _trainY;

    public FusedMeasurementProbe(MeasurementConfig m, IReadOnlyList<long> seeds, DatasetSplits data, Device device)
    {
        _m = m;
        _seeds = seeds;
        (_trainX, _trainY, _evalX, _evalY, _testX, _testY) = MeasurementProbe.OnDevice(m, data, device);
        if (m.PerSampleM > 0)
        {
            int count = Math.Min(m.PerSampleM, data.Train.Count);
            var indices = new long[seeds.Count * count];
            for (int s = 0; s < seeds.Count; s++)
                Array.Copy(MeasurementProbe.PerSampleIndices(seeds[s], data.Train.Count, m.PerSampleM), 0, indices, s * count, count);
            using var scope = NewDisposeScope();
            var (x, y) = FusedMlp.Gather(_trainX, _trainY, tensor(indices, [seeds.Count, count], device: device));
            _sampleX = x.DetachFromDisposeScope();
            _sampleY = y.DetachFromDisposeScope();
        }
    }

    /// <summary>
    /// One measurement of every seed in <paramref name="measured"/> (the others get null). Step, epoch
    /// and losses are set; the caller adds what is its own per seed (learning rate, wall time, SGD loss).
    /// A seed whose evaluation loss is non-finite gets no gradient measurement, as unfused.
    /// Each record's *Seconds is its share of the batched measurement: the group's time ÷ the seeds measured.
    /// </summary>
    public MeasurementRecord?[] Measure(FusedMlp model, IReadOnlyList<nn.Module<Tensor, Tensor>> seedModels, bool[] measured, long step, int epoch)
    {
        int seeds = model.Seeds;
        var (trainLoss, trainAccuracy) = Evaluate(model, _evalX, _evalY);
        var (testLoss, testAccuracy) = Evaluate(model, _testX, _testY);
        var finite = Enumerable.Range(0, seeds).Select(s => measured[s] && double.IsFinite(trainLoss[s])).ToArray();
        int count = finite.Count(f => f);

        var (paper, paperSeconds) = Timed(count > 0 && _m.PaperPairs > 0, () =>
            Paper(model, [.. _seeds.Select(seed => new Random(SeedMix.Combine(seed, 3, step)))], finite));
        var (allPairs, allPairsSeconds) = Timed(count > 0 && _m.PaperBatches > 1, () =>
            AllPairs(model, seedModels, step, finite));
        var (perSample, perSampleSeconds) = Timed(count > 0 && _sampleX is not null, () => PerSample(model, finite));

        var records = new MeasurementRecord?[seeds];
        for (int s = 0; s < seeds; s++)
        {
            if (!measured[s]) continue;
            records[s] = new MeasurementRecord
            {
                Step = step,
                Epoch = epoch,
                TrainLoss = trainLoss[s],
                TrainAccuracy = trainAccuracy[s],
                TestLoss = testLoss[s],
                TestAccuracy = testAccuracy[s],
                Paper = paper?[s],
                PaperSeconds = paper?[s] is null ? 0 : paperSeconds / count,
                PaperAllPairs = allPairs?[s],
                PaperAllPairsBatches = allPairs?[s] is null ? 0 : _m.PaperBatches,
                PaperAllPairsSeconds = allPairs?[s] is null ? 0 : allPairsSeconds / count,
                PerSample = perSample?[s],
                PerSampleSeconds = perSample?[s] is null ? 0 : perSampleSeconds / count,
            };
        }
        return records;
    }

    private static (T? Value, double Seconds) Timed<T>(bool enabled, Func<T> measure) where T : class
    {
        if (!enabled) return (null, 0);
        var clock = Stopwatch.StartNew();
        var value = measure();
        return (value, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Each seed's mean cross-entropy and accuracy on the same samples, eval mode, in chunks as unfused.</summary>
    public static (double[] Loss, double[] Accuracy) Evaluate(FusedMlp model, Tensor x, Tensor y)
    {
        using var noGrad = no_grad();
        int seeds = model.Seeds;
        long n = x.shape[0];
        var lossSum = new double[seeds];
        var correct = new double[seeds];
        for (long start = 0; start < n; start += EvalChunk)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(start + EvalChunk, n), c = end - start;
            var logits = model.Forward(x[TensorIndex.Slice(start, end)], training: false, perSeed: false);
            var labels = y[TensorIndex.Slice(start, end)];
            long k = logits.shape[2];
            var losses = nn.functional.cross_entropy(logits.reshape(seeds * c, k), labels.repeat(seeds), reduction: nn.Reduction.None).view(seeds, c).sum([1]);
            var hits = logits.argmax(2).eq(labels.unsqueeze(0)).sum([1]).to_type(float32);
            // One transfer per chunk for all seeds.
            var values = stack([losses, hits]).to_type(float64).cpu().data<double>().ToArray();
            for (int s = 0; s < seeds; s++) { lossSum[s] += values[s]; correct[s] += values[seeds + s]; }
        }
        return (lossSum.Select(l => l / n).ToArray(), correct.Select(h => h / n).ToArray());
    }

    /// <summary>
    /// Bytes of float32 weights in the copies of one batched paper-protocol pass (2R·S·P·4). Measured with
    /// quick.yaml at width 256 (P = 71k, S = 5) on 2 cores: with R = 20 pairs in one pass (57 MB of copies) the
    /// protocol took 3 times as long as unfused, whose one model stays in cache across its passes; a cap near the
    /// cache keeps small models batched across pairs (width 16: all 20 pairs in one pass) and large ones at one pair.
    /// </summary>
    private const long ReplicaWeightBytes = 4L << 20;

    /// <summary>
    /// The paper protocol per seed. R pairs at a time are one batched gradient pass of 2R copies of the S
    /// networks (<see cref="FusedMlp.Replicate"/>), R as large as <see cref="ReplicaWeightBytes"/> allows, so
    /// small models pay the per-op overhead once per chunk instead of twice per pair.
    /// </summary>
    private CosineStatistics?[] Paper(FusedMlp model, Random[] randoms, bool[] wanted)
    {
        int seeds = model.Seeds, pairs = _m.PaperPairs;
        long n = _trainX.shape[0];
        int b = (int)Math.Min(_m.PaperBatch, n);
        long bytesPerPair = 2L * seeds * model.ParameterCountPerSeed * sizeof(float);
        int chunk = (int)Math.Clamp(ReplicaWeightBytes / Math.Max(1, bytesPerPair), 1, pairs);
        using var products = zeros([pairs, 3, seeds], dtype: float64, device: _trainX.device);
        FusedMlp? replica = null;
        try
        {
            for (int start = 0; start < pairs; start += chunk)
            {
                int r = Math.Min(chunk, pairs - start);
                if (replica is null || replica.Seeds != 2 * r * seeds)
                {
                    replica?.Dispose();
                    replica = model.Replicate(2 * r);
                }
                using var scope = NewDisposeScope();
                // Copy 2j holds pair (start + j)'s first batch, copy 2j + 1 its second; each seed draws its
                // pairs in the unfused order: pair by pair, the first batch, then the second.
                var index = new long[2 * r * seeds * b];
                for (int j = 0; j < r; j++)
                for (int s = 0; s < seeds; s++)
                {
                    Array.Copy(PaperProtocol.Sample(randoms[s], n, b), 0, index, ((2 * j) * seeds + s) * b, b);
                    Array.Copy(PaperProtocol.Sample(randoms[s], n, b), 0, index, ((2 * j + 1) * seeds + s) * b, b);
                }
                var g = replica.BatchGradients(_trainX, _trainY, tensor(index, [2 * r * seeds, b], device: _trainX.device))
                    .to_type(float64).view(r, 2, seeds, -1);
                using var noGrad = no_grad();
                var g1 = g.select(1, 0);
                var g2 = g.select(1, 1);
                products.narrow(0, start, r).copy_(stack([g1.mul(g2).sum([2]), g1.square().sum([2]).sqrt(), g2.square().sum([2]).sqrt()], 1));
            }
        }
        finally
        {
            replica?.Dispose();
        }
        var values = products.cpu().data<double>().ToArray();
        var result = new CosineStatistics?[seeds];
        for (int s = 0; s < seeds; s++)
        {
            if (!wanted[s]) continue;
            var cosines = new double[pairs];
            for (int p = 0; p < pairs; p++)
            {
                double dot = values[(p * 3) * seeds + s];
                double norms = values[(p * 3 + 1) * seeds + s] * values[(p * 3 + 2) * seeds + s];
                cosines[p] = norms > 0 ? Math.Clamp(dot / norms, -1, 1) : 0;
            }
            result[s] = CosineStatistics.From(cosines, _m.HistogramBins);
        }
        return result;
    }

    /// <summary>
    /// All pairs per seed: the K mini-batch gradients of every seed are rows of one S×K×P float32
    /// matrix X (one batched pass per k) and the S Grams are X Xᵀ, one bmm. When S×K×P floats exceed
    /// the unfused budget, each seed is measured on its own unfused model instead (same draws).
    /// </summary>
    private CosineStatistics?[] AllPairs(FusedMlp model, IReadOnlyList<nn.Module<Tensor, Tensor>> seedModels, long step, bool[] wanted)
    {
        int seeds = model.Seeds, k = _m.PaperBatches;
        long n = _trainX.shape[0];
        int b = (int)Math.Min(_m.PaperBatch, n);
        var draws = new long[seeds][][];
        for (int s = 0; s < seeds; s++)
        {
            var random = new Random(SeedMix.Combine(_seeds[s], 4, step));
            draws[s] = new long[k][];
            for (int i = 0; i < k; i++) draws[s][i] = PaperProtocol.Sample(random, n, b);
        }
        var result = new CosineStatistics?[seeds];
        long p = model.ParameterCountPerSeed;
        if ((long)seeds * k * p * sizeof(float) > PaperProtocol.DefaultGradientBudgetBytes)
        {
            for (int s = 0; s < seeds; s++)
            {
                if (!wanted[s]) continue;
                // Eval mode reads the running statistics only, so the batch count copied does not matter here.
                model.CopyTo(s, seedModels[s], batchNormSteps: 0);
                result[s] = PaperProtocol.MeasureAllPairs(seedModels[s], _trainX, _trainY, draws[s], _m.HistogramBins, workspace: _allPairs);
            }
            return result;
        }

        double[] inner;
        using (var scope = NewDisposeScope())
        {
            var block = _allPairs.Rows(seeds * k, p, _trainX.device).view(seeds, k, p);
            for (int i = 0; i < k; i++)
            {
                using var row = NewDisposeScope();
                var index = new long[seeds * b];
                for (int s = 0; s < seeds; s++) Array.Copy(draws[s][i], 0, index, s * b, b);
                var g = model.BatchGradients(_trainX, _trainY, tensor(index, [seeds, b], device: _trainX.device));
                using var noGrad = no_grad();
                block.select(1, i).copy_(g);
            }
            inner = block.bmm(block.transpose(1, 2)).to_type(float64).cpu().data<double>().ToArray();
        }
        for (int s = 0; s < seeds; s++)
        {
            if (!wanted[s]) continue;
            var cosines = new double[k * (k - 1) / 2];
            int c = 0;
            long o = (long)s * k * k;
            for (int i = 0; i < k; i++)
            for (int j = i + 1; j < k; j++)
            {
                double norms = Math.Sqrt(inner[o + i * k + i] * inner[o + j * k + j]);
                cosines[c++] = norms > 0 ? Math.Clamp(inner[o + i * k + j] / norms, -1, 1) : 0;
            }
            result[s] = CosineStatistics.From(cosines, _m.HistogramBins);
        }
        return result;
    }

    private PerSampleStatistics?[] PerSample(FusedMlp model, bool[] wanted)
    {
        var grams = Grams(model);
        var result = new PerSampleStatistics?[model.Seeds];
        for (int s = 0; s < model.Seeds; s++)
            if (wanted[s]) result[s] = PerSampleStatistics.FromGram(grams[s], _m.HistogramBins);
        return result;
    }

    /// <summary>Each seed's per-sample Gram over its own M samples (float64, on the CPU).</summary>
    public double[][,] Grams(FusedMlp model)
    {
        using var scope = NewDisposeScope();
        var gram = model.Gram(_sampleX!, _sampleY!);
        long s = gram.shape[0], m = gram.shape[1];
        var flat = gram.to_type(float64).cpu().data<double>().ToArray();
        var result = new double[s][,];
        for (int i = 0; i < s; i++)
        {
            result[i] = new double[m, m];
            Buffer.BlockCopy(flat, (int)(i * m * m * sizeof(double)), result[i], 0, (int)(m * m * sizeof(double)));
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var t in new[] { _trainX, _trainY, _evalX, _evalY, _testX, _testY, _sampleX, _sampleY }) t?.Dispose();
        _allPairs.Dispose();
    }
}
