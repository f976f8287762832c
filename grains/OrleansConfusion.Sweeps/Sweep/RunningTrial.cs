using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>A dispatched trial: where it runs, which dispatch it is, and what it last said.</summary>
public sealed class RunningTrial(int index, int token, string silo, bool waitingForSlot, DateTimeOffset dispatchedAt, DispatchUnit unit)
{
    public int Index { get; } = index;

    /// <summary>The dispatch it went out with: alone, or with the other seeds of its fuse group.</summary>
    public DispatchUnit Unit { get; } = unit;

    /// <summary>Unique per dispatch within one coordinator activation; the trial's reports carry it as their attempt.</summary>
    public int Token { get; } = token;

    /// <summary>Silo name it runs on (predicted at dispatch, then as reported).</summary>
    public string Silo { get; set; } = silo;

    /// <summary>Dispatched beyond its silo's slots (prefetched) and, as last heard, still waiting for one.</summary>
    public bool WaitingForSlot { get; set; } = waitingForSlot;

    public DateTimeOffset LastReportAt { get; set; } = dispatchedAt;

    public TrialStatus? Status { get; set; }

    /// <summary>Whether this dispatch has counted its attempt (it said it trains, or it finished).</summary>
    public bool Started { get; set; }
}
