using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The paper's measurement: draw P random pairs of mini-batches of size B, compute each batch's
/// mean-loss gradient over all parameters and the cosine of each pair. Costs 2P forward and backward
/// passes at batch B, the protocol's floor.
/// <see cref="MeasureAllPairs"/> takes K mini-batch gradients and the cosines of all K(K−1)/2 pairs of
/// them, from their K×K Gram: K = 200 gives 19,900 pairs for the passes of the paper's 100 pairs.
/// Measured in eval mode, like the per-sample Gram, so both views see the same function.
/// </summary>
public static class PaperProtocol
{
    /// <summary>
    /// Bytes of gradients held at once by <see cref="MeasureAllPairs"/> (float32, K×P). Past it the
    /// gradients are taken in row blocks and recomputed, so memory stays bounded and the cost grows.
    /// </summary>
    public const long DefaultGradientBudgetBytes = 512L << 20;

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
    /// Cosines of all pairs of <paramref name="batches"/> mini-batch gradients (batch
    /// <paramref name="batchSize"/>, drawn without replacement within a batch, independently across
    /// batches). The K gradients are rows of a float32 matrix X and the pairs' inner products are X Xᵀ,
    /// one matmul. When K×P floats exceed <paramref name="gradientBudgetBytes"/>, X is built in blocks
    /// of R rows: block b is held while the gradients after it are recomputed one at a time and
    /// multiplied against it, so memory is R×P floats and the cost is about K·(K/R + 1)/2 passes
    /// instead of K.
    /// </summary>
    public static CosineStatistics MeasureAllPairs(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, int batches, int batchSize,
        Random random, int bins, long gradientBudgetBytes = DefaultGradientBudgetBytes, AllPairsWorkspace? workspace = null)
    {
        if (batches < 2) throw new ArgumentOutOfRangeException(nameof(batches), batches, "all pairs need at least 2 mini-batches");
        long n = inputs.shape[0];
        int b = (int)Math.Min(batchSize, n);
        // Every batch is drawn up front, so a recomputed gradient is the same batch's.
        var draws = new long[batches][];
        for (int k = 0; k < batches; k++) draws[k] = Sample(random, n, b);
        return MeasureAllPairs(model, inputs, labels, draws, bins, gradientBudgetBytes, workspace);
    }

    /// <summary>
    /// All pairs of the given mini-batches (sample indices into <paramref name="inputs"/>). With a
    /// <paramref name="workspace"/>, the gradient matrix is the one it keeps between calls.
    /// </summary>
    public static CosineStatistics MeasureAllPairs(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, IReadOnlyList<long[]> draws,
        int bins, long gradientBudgetBytes = DefaultGradientBudgetBytes, AllPairsWorkspace? workspace = null)
    {
        int batches = draws.Count;
        if (batches < 2) throw new ArgumentOutOfRangeException(nameof(draws), batches, "all pairs need at least 2 mini-batches");
        var parameters = model.parameters().Cast<Tensor>().ToList();
        long p = parameters.Sum(t => t.numel());
        int blockRows = (int)Math.Clamp(gradientBudgetBytes / Math.Max(1, p * sizeof(float)), 1, batches);

        var inner = new double[batches, batches];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            for (int start = 0; start < batches; start += blockRows)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(blockRows, batches - start);
                var block = workspace?.Rows(rows, p, inputs.device) ?? empty([rows, p], dtype: float32, device: inputs.device);
                for (int r = 0; r < rows; r++)
                {
                    using var step = NewDisposeScope();
                    WriteGradient(model, parameters, inputs, labels, draws[start + r], block[r]);
                }
                Store(inner, start, start, block.mm(block.t()));
                var streamed = start + rows < batches ? empty([p], dtype: float32, device: inputs.device) : null;
                for (int k = start + rows; k < batches; k++)
                {
                    using var step = NewDisposeScope();
                    WriteGradient(model, parameters, inputs, labels, draws[k], streamed!);
                    Store(inner, start, k, block.mv(streamed!).unsqueeze(1));
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        var cosines = new double[batches * (batches - 1) / 2];
        int c = 0;
        for (int i = 0; i < batches; i++)
        for (int j = i + 1; j < batches; j++)
        {
            double norms = Math.Sqrt(inner[i, i] * inner[j, j]);
            cosines[c++] = norms > 0 ? Math.Clamp(inner[i, j] / norms, -1, 1) : 0;
        }
        return CosineStatistics.From(cosines, bins);
    }

    /// <summary>
    /// One mini-batch's mean-loss gradient written straight into <paramref name="row"/> (P floats), parameter by
    /// parameter: concatenating first would allocate and copy P floats more per batch, a third of a pass here.
    /// </summary>
    static void WriteGradient(nn.Module<Tensor, Tensor> model, IList<Tensor> parameters, Tensor inputs, Tensor labels, long[] batch, Tensor row)
    {
        var index = tensor(batch, device: inputs.device);
        var loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index));
        long offset = 0;
        foreach (var g in autograd.grad([loss], parameters))
        {
            long n = g.numel();
            row.narrow(0, offset, n).copy_(g.view(-1));
            offset += n;
        }
    }

    /// <summary>Copies a block of inner products into the upper triangle (and diagonal) of <paramref name="inner"/>.</summary>
    static void Store(double[,] inner, int row, int column, Tensor block)
    {
        var values = block.to_type(float64).cpu().data<double>().ToArray();
        long rows = block.shape[0], columns = block.shape[1];
        for (long i = 0; i < rows; i++)
        for (long j = 0; j < columns; j++)
            inner[row + i, column + j] = values[i * columns + j];
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
    internal static long[] Sample(Random random, long n, int b)
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
