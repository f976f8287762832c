using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// The paper's measurement: draw P random pairs of mini-batches of size B, compute each batch's
/// mean-loss gradient over all parameters and the cosine of each pair. Costs 2P forward and backward
/// passes at batch B, the protocol's floor.
/// <see cref="MeasureAllPairs"/> takes K mini-batch gradients and the cosines of all K(K−1)/2 pairs of
/// them, from their K×K Gram: K = 200 gives 19,900 pairs for the passes of the paper's 100 pairs, and
/// MLPs take many mini-batches per pass, which costs less than a pass each (<see cref="MiniBatchGradients"/>).
/// Measured in eval mode, like the per-sample Gram, so both views see the same function.
/// </summary>
public static class PaperProtocol
{
    /// <summary>
    /// Bytes of gradients held at once by <see cref="MeasureAllPairs"/> (float32, K×P). Past it the
    /// gradients are taken in row blocks and recomputed, so memory stays bounded and the cost grows.
    /// </summary>
    public const long DefaultGradientBudgetBytes = 512L << 20;

    /// <summary>
    /// Bytes of activations (and their gradients) one pass of <see cref="MeasureAllPairs(nn.Module{Tensor, Tensor}, Tensor, Tensor, IReadOnlyList{long[]}, int, long, AllPairsWorkspace?, long)"/>
    /// may hold when it takes many mini-batches at once (MLPs), which sets how many it takes. Zero or less takes one
    /// pass per mini-batch for every model.
    /// </summary>
    public const long DefaultActivationBudgetBytes = 256L << 20;

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
    /// one matmul. When K×P floats exceed <paramref name="gradientBudgetBytes"/> (R rows), X is built in
    /// blocks of R − R/8 rows: a block is held while the gradients after it are recomputed R/8 at a time
    /// and multiplied against it, so memory stays R×P floats and the gradients cost about K·(K/R + 1)/2
    /// batches' worth of passes instead of K.
    /// </summary>
    public static CosineStatistics MeasureAllPairs(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, int batches, int batchSize,
        Random random, int bins, long gradientBudgetBytes = DefaultGradientBudgetBytes, AllPairsWorkspace? workspace = null,
        long activationBudgetBytes = DefaultActivationBudgetBytes)
    {
        if (batches < 2) throw new ArgumentOutOfRangeException(nameof(batches), batches, "all pairs need at least 2 mini-batches");
        long n = inputs.shape[0];
        int b = (int)Math.Min(batchSize, n);
        // Every batch is drawn up front, so a recomputed gradient is the same batch's.
        var draws = new long[batches][];
        for (int k = 0; k < batches; k++) draws[k] = Sample(random, n, b);
        return MeasureAllPairs(model, inputs, labels, draws, bins, gradientBudgetBytes, workspace, activationBudgetBytes);
    }

    /// <summary>
    /// All pairs of the given mini-batches (sample indices into <paramref name="inputs"/>). With a
    /// <paramref name="workspace"/>, the gradient matrix is the one it keeps between calls. MLPs take many batches
    /// per pass (<see cref="MiniBatchGradients"/>), within <paramref name="activationBudgetBytes"/> of activations
    /// (<see cref="DefaultActivationBudgetBytes"/>).
    /// </summary>
    public static CosineStatistics MeasureAllPairs(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, IReadOnlyList<long[]> draws,
        int bins, long gradientBudgetBytes = DefaultGradientBudgetBytes, AllPairsWorkspace? workspace = null,
        long activationBudgetBytes = DefaultActivationBudgetBytes)
    {
        int batches = draws.Count;
        if (batches < 2) throw new ArgumentOutOfRangeException(nameof(draws), batches, "all pairs need at least 2 mini-batches");
        long p = ModelFactory.ParameterCount(model);
        // Rows of gradients the budget holds. When all K do not fit, a block of them is held while the rest are
        // recomputed in small groups (an eighth of the rows) and multiplied against it.
        int budgetRows = (int)Math.Clamp(gradientBudgetBytes / Math.Max(1, p * sizeof(float)), 1, batches);
        int streamRows = budgetRows >= batches ? 0 : Math.Max(1, budgetRows / 8);
        int blockRows = Math.Max(1, budgetRows - streamRows);

        var inner = new double[batches, batches];
        bool wasTraining = model.training;
        model.eval();
        try
        {
            var gradients = MiniBatchGradients.For(model, inputs, labels, draws, activationBudgetBytes);
            for (int start = 0; start < batches; start += blockRows)
            {
                using var scope = NewDisposeScope();
                int rows = Math.Min(blockRows, batches - start);
                int streamed = Math.Min(streamRows, batches - start - rows);
                var matrix = workspace?.Rows(rows + streamed, p, inputs.device) ?? empty([rows + streamed, p], dtype: float32, device: inputs.device);
                var block = matrix.narrow(0, 0, rows);
                gradients.Write(start, rows, block);
                Store(inner, start, start, block.mm(block.t()));
                for (int k = start + rows; k < batches; k += streamed)
                {
                    using var step = NewDisposeScope();
                    int n = Math.Min(streamed, batches - k);
                    var stream = matrix.narrow(0, rows, n);
                    gradients.Write(k, n, stream);
                    Store(inner, start, k, block.mm(stream.t()));
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
