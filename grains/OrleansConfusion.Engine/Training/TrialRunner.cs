using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// Trains one trial with SGD and measures gradient confusion along the way. Synchronous and
/// single-threaded by design: callers run it off their scheduler (Task.Run) and receive measurements
/// through callbacks. Every step runs inside its own dispose scope, so native memory stays flat.
/// All randomness (init, data order, measurement draws) derives from the trial seed, never from
/// torch's global generator, so a CPU run is deterministic even beside other runs in the process.
/// </summary>
public static class TrialRunner
{
    public static TrialResult Run(TrialConfig config, DatasetSplits data, TrialRunContext context)
    {
        ConfigValidator.ThrowIfInvalid(config);
        var clock = Stopwatch.StartNew();
        var device = context.Device;
        var train = data.Train;
        using var generator = new Generator((ulong)config.Seed);
        using var model = ModelFactory.Create(config.Model, train.SampleShape, train.NumClasses, generator);
        model.to(device);
        // The probe holds the one device copy of the data; training reads the same tensors.
        using var probe = new MeasurementProbe(config, data, device);
        var training = config.Training;
        using var optimizer = optim.SGD(model.parameters(), training.LearningRate, training.Momentum, weight_decay: training.WeightDecay);

        var resumed = context.CheckpointPath is { } path ? TrialCheckpoint.TryLoad(path, model, context.DeliveredThroughStep?.Invoke()) : null;
        var state = new TrialRunState(config, context, resumed, clock, ModelFactory.ParameterCount(model));
        EpochLoop.Run([config], [state], new Alone(model, optimizer, probe, training.BatchSize), train.Count, device, resumed is not null, resumed?.CompletedEpochs ?? 0);
        return state.Result!;
    }

    /// <summary>Steps in one epoch: every batch, the last one possibly smaller.</summary>
    public static long StepsPerEpoch(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    public static long TotalSteps(TrainingConfig training, int samples) =>
        training.Steps > 0 ? training.Steps : training.Epochs * StepsPerEpoch(samples, training.BatchSize);

    /// <summary>One trial as the epoch loop's single member: torch's SGD optimizer on the unfused model.</summary>
    private sealed class Alone(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, MeasurementProbe probe, int batchSize) : ILockstepModel
    {
        private double _learningRate = double.NaN;

        public float[] Step(long[][] orders, long start, double[] learningRates, bool[] active)
        {
            if (learningRates[0] != _learningRate)
            {
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRates[0];
                _learningRate = learningRates[0];
            }
            return [TrialRunner.Step(model, optimizer, probe.TrainInputs, probe.TrainLabels, orders[0], start, batchSize)];
        }

        public MeasurementRecord?[] Measure(bool[] measured, long step, int epoch, TrialRunState[] members) =>
            [measured[0] ? probe.Measure(model, step, epoch, members[0].LearningRate, members[0].Elapsed) : null];

        public void SaveCheckpoint(int member, TrialCheckpoint checkpoint, TrialRunState state) =>
            checkpoint.Save(state.Context.CheckpointPath!, model, state.Context.DeliveredThroughStep);
    }

    private static float Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, long[] order, long start, int batchSize)
    {
        using var scope = NewDisposeScope();
        long end = Math.Min(start + batchSize, order.Length);
        var index = tensor(order[(int)start..(int)end], device: x.device);
        model.train();
        optimizer.zero_grad();
        var loss = nn.functional.cross_entropy(model.call(x.index_select(0, index)), y.index_select(0, index));
        loss.backward();
        optimizer.step();
        return loss.ToSingle();
    }

    /// <summary>Step decay: the base rate times factor^(number of decay epochs already reached).</summary>
    public static double LearningRate(TrainingConfig training, int epoch) =>
        training.LearningRate * Math.Pow(training.LrDecayFactor, training.LrDecayEpochs.Count(e => epoch >= e));

    /// <summary>The data order of one epoch, a function of (seed, epoch) only, so resumed runs see the same order.</summary>
    public static long[] Permutation(int n, long seed, int epoch)
    {
        var random = new Random(SeedMix.Combine(seed, 1, epoch));
        var order = new long[n];
        for (int i = 0; i < n; i++) order[i] = i;
        random.Shuffle(order);
        return order;
    }
}
