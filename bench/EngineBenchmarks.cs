using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Bench;

/// <summary>
/// Engine costs, each reported as a ratio of two timings taken in the same run (so machine noise
/// and speed cancel): Gram vs the per-sample loop, Gram and paper protocol in units of training
/// steps, and the training step's GFLOP/s against a large matmul's.
/// </summary>
internal static class EngineBenchmarks
{
    public static void Run(Action<string, double> report, bool quick)
    {
        int repeats = quick ? 5 : 21;
        using var generator = new Generator(0);
        var config = new ModelConfig { Width = 256, Depth = 4 };
        using var model = ModelFactory.Create(config, [784], 10, generator);
        using var x = randn([128, 784], generator: generator);
        using var y = randint(0, 10, [128], generator: generator);
        using var optimizer = optim.SGD(model.parameters(), 0.01);

        double step = Median(repeats, () => TrainStep(model, optimizer, x, y));
        double gram = Median(repeats, () => PerSampleGram.Compute(model, x, y));
        double loop = Median(quick ? 1 : 3, () => PerSampleGram.Oracle(model, x, y));
        report("train_step_ms_mlp256x4_b128", step * 1e3);
        report("gram_ms_m128", gram * 1e3);
        report("loop_ms_m128", loop * 1e3);
        report("gram_vs_loop_speedup", loop / gram);
        report("gram_cost_in_train_steps", gram / step);

        using var data = randn([4096, 784], generator: generator);
        using var labels = randint(0, 10, [4096], generator: generator);
        double paper = Median(quick ? 1 : 3, () => PaperProtocol.Measure(model, data, labels, 100, 128, new Random(1), 20));
        report("paper_metric_ms_100_pairs_b128", paper * 1e3);
        report("paper_metric_cost_in_train_steps", paper / step);

        var (trainGflops, matmulGflops) = Throughput(repeats);
        AllPairs(report, model, data, labels, step, matmulGflops, quick);
        report("train_gflops_wide_mlp", trainGflops);
        report("matmul_gflops_2048", matmulGflops);
        report("train_gflops_fraction_of_matmul", trainGflops / matmulGflops);
    }

    /// <summary>
    /// The all-pairs paper protocol, K = 200 mini-batch gradients at B = 128, against its floor measured in
    /// the same run: K forward+backward passes at batch B (timed here as one such pass), plus the K×K Gram of
    /// the P-dimensional gradients, 2K²P FLOPs at the 2048³ matmul rate. The paper's random pairs give 0.5
    /// pairs per pass (two passes a pair).
    /// </summary>
    static void AllPairs(Action<string, double> report, nn.Module<Tensor, Tensor> model, Tensor data, Tensor labels, double step, double matmulGflops, bool quick)
    {
        const int batches = 200, batch = 128;
        var parameters = model.parameters().Cast<Tensor>().ToList();
        long p = ModelFactory.ParameterCount(model);
        using var xb = data[TensorIndex.Slice(0, batch)];
        using var yb = labels[TensorIndex.Slice(0, batch)];
        double Pass() => Median(quick ? 5 : 15, () =>
        {
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.call(xb), yb);
            return autograd.grad([loss], parameters).Count;
        });
        double gram = 2.0 * batches * batches * p / (matmulGflops * 1e9);
        // As a trial measures: its workspace keeps the gradient matrix from one measurement to the next.
        using var workspace = new AllPairsWorkspace();
        PaperProtocol.MeasureAllPairs(model, data, labels, batches, batch, new Random(1), 20, workspace: workspace);
        // This machine's speed drifts by tens of percent within a minute, so each run is set against a floor
        // timed right before it, and the medians of those runs are reported.
        var runs = new List<(double Cost, double Floor)>();
        for (int r = 0; r < (quick ? 1 : 5); r++)
        {
            double floor = batches * Pass() + gram;
            var clock = Stopwatch.StartNew();
            PaperProtocol.MeasureAllPairs(model, data, labels, batches, batch, new Random(1), 20, workspace: workspace);
            runs.Add((clock.Elapsed.TotalSeconds, floor));
        }
        double cost = MedianOf(runs.Select(x => x.Cost)), floorMedian = MedianOf(runs.Select(x => x.Floor));
        Console.WriteLine($"# all-pairs split: {AllPairsSplit(model, parameters, data, labels, batches, batch, p)}; floor: pass {Pass() * 1e3:0.000} ms, gram {gram * 1e3:0.0} ms");
        report("paper_allpairs_ms_k200_b128", cost * 1e3);
        report("paper_allpairs_cost_in_train_steps", cost / step);
        report("paper_allpairs_floor_in_train_steps", floorMedian / step);
        report("paper_allpairs_cost_over_floor", MedianOf(runs.Select(x => x.Cost / x.Floor)));
        report("paper_allpairs_pairs_per_train_step", batches * (batches - 1) / 2.0 / (cost / step));
    }

    /// <summary>
    /// Where an all-pairs measurement's time goes, as it does it (the matrix touched first, as a trial's kept workspace
    /// is): gathered passes alone, the same passes also writing into the gradient matrix, and the matrix's Gram.
    /// </summary>
    static string AllPairsSplit(nn.Module<Tensor, Tensor> model, IList<Tensor> parameters, Tensor data, Tensor labels, int batches, int batch, long p)
    {
        using var matrix = zeros([batches, p], dtype: float32);
        double Passes(bool write)
        {
            var random = new Random(1);
            var clock = Stopwatch.StartNew();
            for (int k = 0; k < batches; k++)
            {
                using var scope = NewDisposeScope();
                var index = tensor(Enumerable.Range(0, batch).Select(_ => random.NextInt64(data.shape[0])).ToArray());
                var loss = nn.functional.cross_entropy(model.call(data.index_select(0, index)), labels.index_select(0, index));
                long offset = 0;
                foreach (var g in autograd.grad([loss], parameters))
                {
                    if (write) matrix[k].narrow(0, offset, g.numel()).copy_(g.view(-1));
                    offset += g.numel();
                }
            }
            return clock.Elapsed.TotalMilliseconds;
        }
        Passes(true);
        double alone = Passes(false), written = Passes(true);
        var gramClock = Stopwatch.StartNew();
        using (var gram = matrix.mm(matrix.t())) gram.to_type(float64).cpu().data<double>().ToArray();
        return $"{batches} gathered passes {alone:0} ms, writing the matrix too {written:0} ms, Gram {gramClock.Elapsed.TotalMilliseconds:0} ms";
    }

    static double MedianOf(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>
    /// A wide MLP (784→2048→2048→10, batch 512) training step against a 2048³ matmul.
    /// FLOPs of a step: forward 2·B·Σ d_in·d_out, backward twice that (input and weight grads).
    /// </summary>
    static (double Train, double Matmul) Throughput(int repeats)
    {
        using var generator = new Generator(1);
        using var model = ModelFactory.Create(new ModelConfig { Width = 2048, Depth = 2 }, [784], 10, generator);
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        const int batch = 512;
        using var x = randn([batch, 784], generator: generator);
        using var y = randint(0, 10, [batch], generator: generator);
        double flops = 3.0 * 2 * batch * (784.0 * 2048 + 2048.0 * 2048 + 2048.0 * 10);
        double train = Median(repeats, () => TrainStep(model, optimizer, x, y));

        using var a = randn([2048, 2048], generator: generator);
        using var b = randn([2048, 2048], generator: generator);
        double matmul = Median(repeats, () => { using var c = a.matmul(b); return c.shape[0]; });
        return (flops / train / 1e9, 2.0 * 2048 * 2048 * 2048 / matmul / 1e9);
    }

    static float TrainStep(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        optimizer.step();
        return loss.ToSingle();
    }

    /// <summary>Median wall time in seconds of <paramref name="repeats"/> runs after one warm-up.</summary>
    public static double Median<T>(int repeats, Func<T> action)
    {
        action();
        var times = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalSeconds;
        }
        Array.Sort(times);
        return times[repeats / 2];
    }
}
