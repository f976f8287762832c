using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The paper's measurement: draw P random pairs of mini-batches of size B, compute each batch's
/// mean-loss gradient over all parameters and the cosine of each pair. Costs 2P forward and backward
/// passes at batch B, the protocol's floor.
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
                var g1 = BatchGradient(model, parameters, inputs, labels, Sample(random, n, b));
                var g2 = BatchGradient(model, parameters, inputs, labels, Sample(random, n, b));
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

    /// <summary>
    /// The mean-loss gradient of one mini-batch, all parameters flattened. One forward and one
    /// backward pass per batch: sharing a forward pass between the two batches of a pair would
    /// need two backward passes through the doubled graph, which costs more.
    /// </summary>
    static Tensor BatchGradient(nn.Module<Tensor, Tensor> model, IList<Tensor> parameters, Tensor inputs, Tensor labels, long[] batch)
    {
        var index = tensor(batch, device: inputs.device);
        var loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index));
        return cat(autograd.grad([loss], parameters).Select(g => g.flatten()).ToList(), 0).to_type(float64);
    }

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
