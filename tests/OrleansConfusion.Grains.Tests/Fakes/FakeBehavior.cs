namespace OrleansConfusion.Grains.Tests;

/// <summary>How the fake trainer behaves for one sweep: measurements emitted and the pause before each.</summary>
public sealed record FakeBehavior(int Measurements, TimeSpan Delay)
{
    /// <summary>Use the real TorchTrialTrainer instead.</summary>
    public bool Real { get; init; }

    /// <summary>When set, every training blocks before its first measurement until the test sets this (or the trial is cancelled).</summary>
    public ManualResetEventSlim? Gate { get; init; }
}
