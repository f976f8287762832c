namespace OrleansConfusion.Sweeps;

/// <summary>What the sweep made of an outcome.</summary>
public enum OutcomeVerdict
{
    /// <summary>Taken: the trial is finished with this outcome.</summary>
    Taken,

    /// <summary>Already finished (a repeat, or an older attempt's), or a cancel nobody asked for: ignored.</summary>
    Ignored,

    /// <summary>The outcome names a measured step whose row the sweep does not hold: the trial is queued again.</summary>
    RowsMissing,
}
