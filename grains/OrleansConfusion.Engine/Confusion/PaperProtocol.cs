using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The paper's measurement: draw P random pairs of mini-batches of size B, compute each batch's
/// mean-loss gradient over all parameters and the cosine of each pair. Costs 2P backward passes at
/// batch B, the protocol's floor; the two batches of a pair share one forward pass.
/// Measured in eval mode, like the per-sample Gram, so both views see the same function.
/// </summary>
public static class PaperProtocol
{
    public static CosineStatistics Measure(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, int pairs, int batchSize, Random random, int bins)
    {
        long n = inputs.shape[0];
        int b = (int)Math.Min(batchSize, n);
        var parameters = model.parameters().Cast<Tensor>().ToList();
        var cosines = new double[pairs];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            for (int p = 0; p < pairs; p++)
            {
                using var scope = NewDisposeScope();
                long[] first = Sample(random, n, b), second = Sample(random, n, b);
                var index = tensor(first.Concat(second).ToArray(), device: inputs.device);
                var losses = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index), reduction: nn.Reduction.None);
                var g1 = Flatten(autograd.grad([losses[TensorIndex.Slice(0, b)].mean()], parameters, retain_graph: true));
                var g2 = Flatten(autograd.grad([losses[TensorIndex.Slice(b, 2 * b)].mean()], parameters));
                double dot = g1.dot(g2).ToDouble();
                double norms = g1.norm().ToDouble() * g2.norm().ToDouble();
                cosines[p] = norms > 0 ? Math.Clamp(dot / norms, -1, 1) : 0;
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return CosineStatistics.From(cosines, bins);
    }

    static Tensor Flatten(IList<Tensor> grads) => cat(grads.Select(g => g.flatten()).ToList(), 0).to_type(float64);

    /// <summary>B distinct indices from [0, n): a partial Fisher–Yates shuffle.</summary>
    static long[] Sample(Random random, long n, int b)
    {
        var pool = new long[n];
        for (long i = 0; i < n; i++) pool[i] = i;
        for (int i = 0; i < b; i++)
        {
            long j = i + random.NextInt64(n - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..b];
    }
}
