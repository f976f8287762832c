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
public sealed class TrialRunner
{
    private readonly TrialConfig _config;
    private readonly DatasetSplits _data;
    private readonly TrialRunContext _context;
    private readonly Stopwatch _clock = new();

    private TrialRunner(TrialConfig config, DatasetSplits data, TrialRunContext context)
    {
        _config = config;
        _data = data;
        _context = context;
    }

    public static TrialResult Run(TrialConfig config, DatasetSplits data, TrialRunContext context)
    {
        ConfigValidator.ThrowIfInvalid(config);
        return new TrialRunner(config, data, context).Run();
    }

    /// <summary>Steps in one epoch: every batch, the last one possibly smaller.</summary>
    public static long StepsPerEpoch(int samples, int batchSize) => (samples + batchSize - 1) / batchSize;

    public static long TotalSteps(TrainingConfig training, int samples) =>
        training.Steps > 0 ? training.Steps : training.Epochs * StepsPerEpoch(samples, training.BatchSize);

    private TrialResult Run()
    {
        _clock.Start();
        var training = _config.Training;
        var device = _context.Device;
        var train = _data.Train;
        int n = train.Count;
        long stepsPerEpoch = StepsPerEpoch(n, training.BatchSize);
        long totalSteps = TotalSteps(training, n);
        int epochs = (int)((totalSteps + stepsPerEpoch - 1) / stepsPerEpoch);

        using var generator = new Generator((ulong)_config.Seed);
        using var model = ModelFactory.Create(_config.Model, train.SampleShape, train.NumClasses, generator);
        model.to(device);
        // The probe holds the one device copy of the data; training reads the same tensors.
        using var probe = new MeasurementProbe(_config, _data, device);
        var (trainX, trainY) = (probe.TrainInputs, probe.TrainLabels);
        using var optimizer = optim.SGD(model.parameters(), training.LearningRate, training.Momentum, weight_decay: training.WeightDecay);

        var resumed = _context.CheckpointPath is { } path ? TrialCheckpoint.TryLoad(path, model, _context.DeliveredThroughStep?.Invoke()) : null;
        var state = new TrialRunState(_config, _context, resumed, _clock, ModelFactory.ParameterCount(model));
        int firstEpoch = resumed?.CompletedEpochs ?? 0;
        if (resumed is null && !Measure(model, probe, state, epoch: 0))
            return state.Finish(TrialOutcomeStatus.Diverged, 0, device, "non-finite loss at initialisation");

        var progress = new ProgressThrottle(_context.OnProgress, totalSteps, training.BatchSize);
        for (int epoch = firstEpoch; epoch < epochs && state.Step < totalSteps; epoch++)
        {
            double lr = LearningRate(training, epoch);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
            state.LearningRate = lr;
            long[] order = Permutation(n, _config.Seed, epoch);
            for (long b = 0; b < stepsPerEpoch && state.Step < totalSteps; b++)
            {
                if (_context.CancellationToken.IsCancellationRequested)
                    return state.Finish(TrialOutcomeStatus.Cancelled, epoch, device);

                double loss = Step(model, optimizer, trainX, trainY, order, b * training.BatchSize, training.BatchSize);
                state.Step++;
                if (!double.IsFinite(loss))
                    return state.Finish(TrialOutcomeStatus.Diverged, epoch, device, $"non-finite training loss at step {state.Step}");
                state.AddSgdLoss(loss);
                progress.Report(state.Step, epoch, loss);

                bool dueByStep = _config.Measurement.EveryNSteps > 0 && state.Step % _config.Measurement.EveryNSteps == 0;
                if (dueByStep && !Measure(model, probe, state, epoch))
                    return state.Finish(TrialOutcomeStatus.Diverged, epoch, device, $"non-finite loss at step {state.Step}");
            }
            bool last = epoch == epochs - 1 || state.Step >= totalSteps;
            if ((_config.Measurement.EachEpoch || last) && state.LastMeasuredStep != state.Step && !Measure(model, probe, state, epoch + 1))
                return state.Finish(TrialOutcomeStatus.Diverged, epoch + 1, device, $"non-finite loss at step {state.Step}");
            if (_context.CheckpointPath is { } checkpoint)
                state.Checkpoint(epoch + 1).Save(checkpoint, model, _context.DeliveredThroughStep);
        }
        return state.Finish(TrialOutcomeStatus.Completed, epochs, device);
    }

    private static double Step(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Tensor x, Tensor y, long[] order, long start, int batchSize)
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

    /// <summary>Runs one measurement and reports it. Returns false when the model has diverged.</summary>
    private static bool Measure(nn.Module<Tensor, Tensor> model, MeasurementProbe probe, TrialRunState state, int epoch) =>
        state.Record(probe.Measure(model, state.Step, epoch, state.LearningRate, state.Elapsed));

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
