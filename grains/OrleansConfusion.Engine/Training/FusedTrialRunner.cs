using System.Diagnostics;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Data;
using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// Trains the S seeds of one configuration as one batched model (<see cref="FusedMlp"/>) and measures
/// each of them, returning what S runs of <see cref="TrialRunner"/> would: a <see cref="TrialResult"/> and
/// the <see cref="MeasurementRecord"/>s of each seed, through each seed's own <see cref="TrialRunContext"/>.
/// Per seed, as unfused: the initialisation (its own generator, the unfused model's code), the data
/// order (<see cref="TrialRunner.Permutation"/>), the measurement draws, the learning rate at each epoch,
/// divergence (a seed whose loss turns non-finite is recorded diverged and its update is masked from
/// then on; the others go on), cancellation (its own token), checkpoints (its own file, in the unfused
/// format, so a seed can resume fused or alone) and rows. Only MLPs fuse (<see cref="Supports"/>).
/// Seeds whose checkpoints resume at different steps run as separate fused groups, one after another.
/// </summary>
public static class FusedTrialRunner
{
    public static bool Supports(ModelConfig model) => ConfigValidator.CanFuse(model);

    /// <summary>
    /// What a fused group's members may differ in: what only initialisation and the update read (seed, init_scale,
    /// learning rate and its decay factor, momentum, weight decay, the target loss). Shapes, data, schedule lengths and the
    /// measurement must be the same: the members step in lockstep on batches of one size.
    /// </summary>
    public static TrialConfig Shape(TrialConfig c) => c with
    {
        Seed = 0,
        Model = c.Model with { InitScale = 0 },
        Training = c.Training with { LearningRate = 0, LrDecayFactor = 0, Momentum = 0, WeightDecay = 0, TargetLoss = 0, LrDecayEpochs = [] },
    };

    /// <summary>Why these trials cannot run as one fused group (empty when they can).</summary>
    public static IReadOnlyList<string> ValidateGroup(IReadOnlyList<TrialConfig> members)
    {
        var errors = new List<string>();
        if (members.Count == 0) { errors.Add("a fused group needs at least one trial"); return errors; }
        var first = members[0];
        if (!Supports(first.Model))
            errors.Add($"architecture {ConfigValidator.Name(first.Model.Architecture)} cannot be fused; only mlp can");
        var shape = Shape(first);
        foreach (var (trial, i) in members.Select((t, i) => (t, i)))
        {
            foreach (string e in ConfigValidator.Validate(trial)) errors.Add($"trial {i} (seed {trial.Seed}): {e}");
            if (i == 0) continue;
            // Records compare by value, but the decay epochs are a list, compared by reference: compare them apart.
            if (Shape(trial) != shape || !trial.Training.LrDecayEpochs.SequenceEqual(first.Training.LrDecayEpochs))
                errors.Add($"trial {i} (seed {trial.Seed}) differs from trial 0 in more than its seed, init_scale, learning rate, momentum or weight decay; " +
                    "a fused group shares its shapes, data, schedule and measurement");
        }
        var twins = members.Select((t, i) => (Key: Identity(t), Index: i)).GroupBy(x => x.Key).Where(g => g.Count() > 1).ToList();
        if (twins.Count > 0)
            errors.Add("the same trial appears more than once: " + string.Join("; ", twins.Select(g => $"trials {string.Join(", ", g.Select(x => x.Index))} (seed {members[g.First().Index].Seed})")));
        return errors;

        static string Identity(TrialConfig t) => FormattableString.Invariant(
            $"{t.Seed}|{t.Model.InitScale:R}|{t.Training.LearningRate:R}|{t.Training.LrDecayFactor:R}|{t.Training.Momentum:R}|{t.Training.WeightDecay:R}|{t.Training.TargetLoss:R}");
    }

    /// <summary>
    /// Runs the trials (one configuration, distinct seeds) fused on the contexts' device. Results are in
    /// the order of <paramref name="seeds"/>; <paramref name="contexts"/>[i] belongs to seeds[i].
    /// </summary>
    public static IReadOnlyList<TrialResult> Run(IReadOnlyList<TrialConfig> seeds, DatasetSplits data, IReadOnlyList<TrialRunContext> contexts)
    {
        var errors = ValidateGroup(seeds).ToList();
        if (contexts.Count != seeds.Count) errors.Add($"{seeds.Count} trials but {contexts.Count} contexts");
        else if (contexts.Any(c => c.Device != contexts[0].Device)) errors.Add("a fused group runs on one device; the contexts name several");
        if (errors.Count > 0) throw new ArgumentException("invalid fused group: " + string.Join("; ", errors));

        var clock = Stopwatch.StartNew();
        var device = contexts[0].Device;
        var train = data.Train;
        var models = new List<nn.Module<Tensor, Tensor>>();
        try
        {
            var resumed = new TrialCheckpoint?[seeds.Count];
            for (int i = 0; i < seeds.Count; i++)
            {
                // The unfused trial's model from the unfused trial's generator: the same initial weights.
                using var generator = new Generator((ulong)seeds[i].Seed);
                var model = ModelFactory.Create(seeds[i].Model, train.SampleShape, train.NumClasses, generator);
                models.Add(model);
                model.to(device);
                if (contexts[i].CheckpointPath is { } path)
                    resumed[i] = TrialCheckpoint.TryLoad(path, model, contexts[i].DeliveredThroughStep?.Invoke());
            }
            var results = new TrialResult[seeds.Count];
            // A group steps in lockstep, so seeds that resume at different steps are different groups.
            foreach (var group in Enumerable.Range(0, seeds.Count).GroupBy(i => resumed[i]?.Step ?? -1).OrderBy(g => g.Key))
            {
                int[] members = [.. group];
                var groupResults = new FusedGroup(
                    [.. members.Select(i => seeds[i])], data, [.. members.Select(i => contexts[i])],
                    [.. members.Select(i => models[i])], [.. members.Select(i => resumed[i])], clock).Run();
                for (int j = 0; j < members.Length; j++) results[members[j]] = groupResults[j];
            }
            return results;
        }
        finally
        {
            foreach (var m in models) m.Dispose();
        }
    }

    /// <summary>One lockstep group: seeds at the same step, trained and measured together by <see cref="EpochLoop"/>.</summary>
    private sealed class FusedGroup(
        TrialConfig[] configs, DatasetSplits data, TrialRunContext[] contexts, nn.Module<Tensor, Tensor>[] models, TrialCheckpoint?[] resumed, Stopwatch clock)
        : ILockstepModel
    {
        // Each seed reports the parameter count it has unfused.
        private readonly TrialRunState[] _seeds =
            [.. configs.Select((c, i) => new TrialRunState(c, contexts[i], resumed[i], clock, ModelFactory.ParameterCount(models[i])))];

        private readonly double[] _momenta = [.. configs.Select(c => c.Training.Momentum)];
        private readonly double[] _weightDecays = [.. configs.Select(c => c.Training.WeightDecay)];
        private FusedMlp? _model;
        private FusedMeasurementProbe? _probe;
        private Tensor?[] _momentumBuffers = [];

        public TrialResult[] Run()
        {
            var config = configs[0];
            var device = contexts[0].Device;
            using var model = _model = new FusedMlp(models, config.Model);
            using var probe = _probe = new FusedMeasurementProbe(config.Measurement, [.. configs.Select(c => c.Seed)], data, device);
            _momentumBuffers = new Tensor?[model.Parameters.Count];
            try
            {
                EpochLoop.Run(configs, _seeds, this, data.Train.Count, device, resumed[0] is not null, resumed[0]?.CompletedEpochs ?? 0);
                return [.. _seeds.Select(s => s.Result!)];
            }
            finally
            {
                foreach (var t in _momentumBuffers) t?.Dispose();
            }
        }

        /// <summary>One SGD step of every seed on its own next batch; returns each seed's mini-batch loss (before the step).</summary>
        public float[] Step(long[][] orders, long start, double[] learningRates, bool[] active)
        {
            using var scope = NewDisposeScope();
            var training = configs[0].Training;
            var x = _probe!.TrainInputs;
            int count = orders.Length;
            long end = Math.Min(start + training.BatchSize, orders[0].Length);
            int b = (int)(end - start);
            var indices = new long[count * b];
            for (int s = 0; s < count; s++) Array.Copy(orders[s], start, indices, s * b, b);
            var (inputs, labels) = FusedMlp.Gather(x, _probe.TrainLabels, tensor(indices, [count, b], device: x.device));
            var losses = FusedMlp.Losses(_model!.Forward(inputs, training: true, perSeed: true), labels);
            var grads = autograd.grad([losses.sum()], _model.Parameters);
            // Masking costs an op per parameter, so only once a seed has stopped.
            var mask = active.All(a => a) ? null : tensor(active, device: x.device);
            _model.SgdStep(grads, learningRates, _momenta, _weightDecays, mask, _momentumBuffers);
            return losses.cpu().data<float>().ToArray();
        }

        /// <summary>Measures the flagged seeds; a fused seed's wall time is the group's so far.</summary>
        public MeasurementRecord?[] Measure(bool[] measured, long step, int epoch, TrialRunState[] members) =>
            [.. _probe!.Measure(_model!, models, measured, step, epoch).Select((r, i) => r is null ? null : r with { LearningRate = members[i].LearningRate, WallSeconds = members[i].Elapsed })];

        /// <summary>A seed's checkpoint is an unfused one: its slice of the fused model goes into its own model first.</summary>
        public void SaveCheckpoint(int member, TrialCheckpoint checkpoint, TrialRunState state)
        {
            _model!.CopyTo(member, models[member], batchNormSteps: state.Step);
            checkpoint.Save(state.Context.CheckpointPath!, models[member], state.Context.DeliveredThroughStep);
        }
    }
}
