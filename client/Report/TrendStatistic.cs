namespace OrleansConfusion.Cli.Report;

/// <summary>A per-trial, end-of-training number that a trend is computed on.</summary>
public enum TrendStatistic
{
    /// <summary>Minimum pairwise cosine at the last measurement (paper protocol, else per-sample).</summary>
    FinalMinCosine,

    /// <summary>Per-sample confusion bound η at the last measurement.</summary>
    FinalEta,

    /// <summary>
    /// Minimum per-sample pairwise cosine at the last measurement: η normalised by the gradient norms,
    /// so it compares across widths whose gradients differ in scale.
    /// </summary>
    FinalPerSampleMinCosine,

    /// <summary>Training loss at the last measurement.</summary>
    FinalTrainLoss,

    /// <summary>
    /// Steps to the spec's target training loss (the trials' steps_to_target_loss, resolved to the
    /// measurement grid). A trial that never reached it counts as its trained steps + 1, slower than any
    /// that did. Only where the sweep set a target, i.e. some trial reached it.
    /// </summary>
    StepsToTargetLoss,
}
