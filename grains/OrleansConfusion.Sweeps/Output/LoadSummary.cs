namespace OrleansConfusion.Sweeps;

/// <summary>What a load found: held rows, trial-record lines, record files, and whether the trial record was compacted.</summary>
public readonly record struct LoadSummary(long Rows, long TrialLines, int Files, bool Compacted);
