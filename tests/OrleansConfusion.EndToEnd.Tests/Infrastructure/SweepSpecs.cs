namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Tiny synthetic-sphere sweeps: one MLP per width, a few seconds of training each on 2 cores.</summary>
public static class SweepSpecs
{
    public const int StepsPerTrial = 600;
    public const int MeasureEvery = 100;

    // A trial checkpoints at every epoch end. With 512 samples (16 steps an epoch) the checkpoint writes
    // were most of a trial's time on a loaded machine (1500 steps: 9 s against 2 s with 4096 samples).
    public const int TrainSamples = 4096;
    public const int BatchSize = 32;
    public const int StepsPerEpoch = TrainSamples / BatchSize;

    /// <param name="seeds">Seeds 0 to seeds − 1; more than one makes each width a fuse group (fuse_seeds is on by default).</param>
    public static string Write(string directory, string name, int[] widths, int steps = StepsPerTrial, int measureEvery = MeasureEvery, int seeds = 1)
    {
        var path = Path.Combine(directory, name + ".yaml");
        File.WriteAllText(path, $"""
            name: {name}
            dataset:
              name: sphere
              sphere:
                dimension: 16
                train_samples: {TrainSamples}
                test_samples: 128
                classes: 4
            grid:
              architecture: [mlp]
              width: [{string.Join(", ", widths)}]
              depth: [2]
            seeds: [{string.Join(", ", Enumerable.Range(0, seeds))}]
            training:
              lr: 0.05
              batch_size: {BatchSize}
              steps: {steps}
            measurement:
              every_n_steps: {measureEvery}
              each_epoch: false
              paper_pairs: 8
              paper_batch: 16
              per_sample_m: 16
              eval_subset: 64
              histogram_bins: 10
            """);
        return path;
    }
}
