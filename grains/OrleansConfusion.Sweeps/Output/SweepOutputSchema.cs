namespace OrleansConfusion.Sweeps;

/// <summary>
/// The columns of trials.parquet and metrics.parquet in file order, with types and meanings. The row
/// classes (<see cref="TrialParquetRow"/>, <see cref="MeasurementParquetRow"/>) define what is written;
/// this list documents it (docs/PARQUET_SCHEMA.md is generated from it by <see cref="ToMarkdown"/>), and
/// a test checks both against what DuckDB reads back.
/// </summary>
public static class SweepOutputSchema
{
    static readonly OutputColumn[] Configuration =
    [
        new("trial_id", "VARCHAR", "Deterministic trial id: first 16 hex chars of SHA-256 of the canonical configuration + seed"),
        new("sweep_id", "VARCHAR", "Sweep id (the spec's name)"),
        new("architecture", "VARCHAR", "mlp, cnn or wrn"),
        new("width", "INTEGER", "MLP hidden units, CNN channel multiplier, WRN width factor k"),
        new("depth", "INTEGER", "MLP/CNN hidden layers; WRN total depth (6n+4)"),
        new("init", "VARCHAR", "gaussian, lecun_normal, he_normal, glorot_normal, glorot_uniform or orthogonal"),
        new("init_scale", "DOUBLE", "sigma (gaussian) or gain (orthogonal); ignored by the other inits"),
        new("batch_norm", "BOOLEAN", "Batch normalisation after hidden layers"),
        new("skip", "BOOLEAN", "Residual connections"),
        new("activation", "VARCHAR", "relu, tanh or identity"),
        new("bias", "BOOLEAN", "Layers carry a bias"),
        new("seed", "BIGINT", "Trial seed (init, data order, measurement draws)"),
        new("dataset", "VARCHAR", "fashion-mnist, mnist, cifar10 or sphere"),
        new("train_subset", "INTEGER", "Training samples kept (0 = all)"),
        new("test_subset", "INTEGER", "Test samples kept (0 = all)"),
        new("subset_seed", "BIGINT", "Seed of the subsets' draw (a data replicate)"),
        new("lr", "DOUBLE", "Initial SGD learning rate"),
        new("momentum", "DOUBLE", "SGD momentum"),
        new("weight_decay", "DOUBLE", "L2 weight decay"),
        new("batch_size", "INTEGER", "SGD mini-batch size"),
        new("epochs", "INTEGER", "Configured epochs (ignored when steps > 0)"),
        new("steps", "INTEGER", "Configured SGD steps (0 = train for epochs)"),
        new("lr_decay_factor", "DOUBLE", "Factor the learning rate is multiplied by at each decay epoch"),
    ];

    public static IReadOnlyList<OutputColumn> TrialColumns { get; } =
    [
        new("status", "VARCHAR", "completed, diverged, failed or cancelled"),
        new("final_loss", "DOUBLE", "Train loss (eval subset) at the last measurement; null if none"),
        new("best_loss", "DOUBLE", "Lowest measured train loss; null if none"),
        new("final_accuracy", "DOUBLE", "Train accuracy (eval subset) at the last measurement"),
        new("best_accuracy", "DOUBLE", "Highest measured train accuracy"),
        new("final_test_accuracy", "DOUBLE", "Test accuracy at the last measurement"),
        new("steps_to_target_loss", "BIGINT", "First measured step whose train loss reached the target; null if never or no target"),
        new("trained_steps", "BIGINT", "SGD steps actually trained"),
        new("wall_seconds", "DOUBLE", "Training wall time, including time before a resume"),
        new("silo", "VARCHAR", "Silo that finished the trial"),
        new("device", "VARCHAR", "cpu or cuda"),
        new("error", "VARCHAR", "Why it failed, diverged or was cancelled; null otherwise"),
        new("parameter_count", "BIGINT", "Trainable parameters of the network"),
        new("attempt", "INTEGER", "Starts of training this trial made, the finishing one included (> 1 after a re-drive; a run that went on across a coordinator failover counts once)"),
        new("resumed_from_step", "BIGINT", "Step of the checkpoint that attempt resumed from; null if it trained from scratch"),
        new("finished_at", "TIMESTAMP WITH TIME ZONE", "When the trial ended (UTC)"),
        .. Configuration,
    ];

    public static IReadOnlyList<OutputColumn> MeasurementColumns { get; } =
    [
        new("step", "BIGINT", "SGD steps done when measured (0 = before training); unique per trial"),
        new("epoch", "INTEGER", "Epochs completed when measured"),
        new("learning_rate", "DOUBLE", "Learning rate in effect"),
        new("sgd_loss", "DOUBLE", "Mean mini-batch loss since the previous measurement; null before the first step"),
        new("train_loss", "DOUBLE", "Loss on the fixed training evaluation subset (eval mode)"),
        new("train_accuracy", "DOUBLE", "Accuracy on the training evaluation subset"),
        new("test_loss", "DOUBLE", "Test loss"),
        new("test_accuracy", "DOUBLE", "Test accuracy"),
        new("wall_seconds", "DOUBLE", "Seconds since the trial first started"),
        new("paper_pairs", "INTEGER", "Paper protocol: mini-batch pairs drawn; null when off"),
        new("paper_min_cosine", "DOUBLE", "Paper protocol: minimum pairwise cosine of mini-batch gradients"),
        new("paper_p05_cosine", "DOUBLE", "Paper protocol: 5th percentile cosine"),
        new("paper_median_cosine", "DOUBLE", "Paper protocol: median cosine"),
        new("paper_mean_cosine", "DOUBLE", "Paper protocol: mean cosine"),
        new("paper_fraction_negative", "DOUBLE", "Paper protocol: fraction of negative cosines"),
        new("paper_histogram", "BIGINT[]", "Paper protocol: cosine counts in equal bins over [-1, 1]"),
        new("paper_seconds", "DOUBLE", "Time spent on the paper protocol"),
        new("paper_allpairs_batches", "INTEGER", "All-pairs paper protocol: mini-batch gradients K; null when off"),
        new("paper_allpairs_pairs", "INTEGER", "All-pairs paper protocol: pairs compared, K(K-1)/2"),
        new("paper_allpairs_min_cosine", "DOUBLE", "All-pairs paper protocol: minimum pairwise cosine"),
        new("paper_allpairs_p05_cosine", "DOUBLE", "All-pairs paper protocol: 5th percentile cosine"),
        new("paper_allpairs_median_cosine", "DOUBLE", "All-pairs paper protocol: median cosine"),
        new("paper_allpairs_mean_cosine", "DOUBLE", "All-pairs paper protocol: mean cosine"),
        new("paper_allpairs_fraction_negative", "DOUBLE", "All-pairs paper protocol: fraction of negative cosines"),
        new("paper_allpairs_histogram", "BIGINT[]", "All-pairs paper protocol: cosine counts in equal bins over [-1, 1]"),
        new("paper_allpairs_seconds", "DOUBLE", "Time spent on the all-pairs paper protocol"),
        new("per_sample_m", "INTEGER", "Per-sample Gram: samples M; null when off"),
        new("eta", "DOUBLE", "Confusion bound eta = max(0, -min_{i!=j} <g_i, g_j>)"),
        new("per_sample_min_cosine", "DOUBLE", "Per-sample: minimum pairwise cosine"),
        new("per_sample_p05_cosine", "DOUBLE", "Per-sample: 5th percentile cosine"),
        new("per_sample_median_cosine", "DOUBLE", "Per-sample: median cosine"),
        new("per_sample_mean_cosine", "DOUBLE", "Per-sample: mean cosine"),
        new("per_sample_fraction_negative", "DOUBLE", "Per-sample: fraction of negative cosines"),
        new("per_sample_histogram", "BIGINT[]", "Per-sample: cosine counts in equal bins over [-1, 1]"),
        new("grad_norm_min", "DOUBLE", "Per-sample gradient norm: minimum"),
        new("grad_norm_median", "DOUBLE", "Per-sample gradient norm: median"),
        new("grad_norm_mean", "DOUBLE", "Per-sample gradient norm: mean"),
        new("grad_norm_max", "DOUBLE", "Per-sample gradient norm: maximum"),
        new("per_sample_seconds", "DOUBLE", "Time spent on the per-sample Gram"),
        new("recorded_at", "TIMESTAMP WITH TIME ZONE", "When the row reached the trial grain (UTC)"),
        .. Configuration,
    ];

    /// <summary>The markdown tables of docs/PARQUET_SCHEMA.md.</summary>
    public static string ToMarkdown(IReadOnlyList<OutputColumn> columns) =>
        "| column | type | meaning |\n|---|---|---|\n" + string.Concat(columns.Select(c => $"| `{c.Name}` | {c.Type} | {c.Meaning} |\n"));
}
