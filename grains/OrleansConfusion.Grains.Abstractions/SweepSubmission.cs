namespace OrleansConfusion.Grains.Abstractions;

/// <summary>What submitting a spec did: trials planned, already finished (skipped), rejected.</summary>
[GenerateSerializer, Immutable]
public sealed record SweepSubmission
{
    [Id(0)] public string SweepId { get; init; } = "";
    [Id(1)] public int Trials { get; init; }
    [Id(2)] public int AlreadyFinished { get; init; }

    /// <summary>Grid points the engine rejected, each with the reason ("wrn depth 12: depth must be 6n+4").</summary>
    [Id(3)] public string[] Rejected { get; init; } = [];
    [Id(4)] public string OutputDirectory { get; init; } = "";

    /// <summary>Fuse groups of two or more seeds: each trains as one model in one slot (fuse_seeds).</summary>
    [Id(5)] public int FuseGroups { get; init; }

    /// <summary>Trials in those groups; the rest train alone.</summary>
    [Id(6)] public int FusedTrials { get; init; }
}
