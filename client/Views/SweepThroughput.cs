using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Views;

/// <summary>
/// Measures a sweep's pace from what the view polls, over a sliding window. The work done is the finished
/// trials plus the finished fraction (step / total steps) of the running ones, so the rate moves from the
/// first steps on, before any trial ends, and it includes what steps/s leave out: the measurements, data
/// loading and the hand-off between trials. A trial re-driven from a checkpoint can lose work; a window
/// with no net progress gives no rate rather than a negative one.
/// </summary>
public sealed class SweepThroughput(TimeSpan window)
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    readonly Queue<(DateTimeOffset At, double Work)> _samples = new();

    public SweepThroughput() : this(DefaultWindow) { }

    public SweepPace Observe(SweepStatus status, DateTimeOffset now)
    {
        double work = Work(status);
        _samples.Enqueue((now, work));
        // Keep one sample at or beyond the window's start, so the rate always spans the whole window once it can.
        while (_samples.Count > 2 && now - _samples.ElementAt(1).At >= window) _samples.Dequeue();
        var (since, then) = _samples.Peek();
        double seconds = (now - since).TotalSeconds;
        if (seconds <= 0 || work - then <= 0) return SweepPace.Unknown;
        double perSecond = (work - then) / seconds;
        double left = Math.Max(0, status.Total - work);
        return new SweepPace(perSecond * 60, Seconds(left / perSecond));
    }

    /// <summary>Trials' worth of work done: finished trials, plus each running trial's fraction of its steps.</summary>
    public static double Work(SweepStatus status) =>
        status.Finished + status.ActiveTrials.Sum(t => Fraction(t) ?? 0);

    /// <summary>Step / total steps, or null before the trial's first progress report (its total is unknown until then).</summary>
    public static double? Fraction(TrialStatus t) => t.TotalSteps > 0 ? Math.Clamp((double)t.Step / t.TotalSteps, 0, 1) : null;

    /// <summary>The trial's time left at its own steps/s, or null when it has not reported a rate.</summary>
    public static TimeSpan? Remaining(TrialStatus t) =>
        t.TotalSteps > 0 && t.StepsPerSecond > 0 ? Seconds(Math.Max(0, t.TotalSteps - t.Step) / t.StepsPerSecond) : null;

    /// <summary>A near-zero rate gives a time too long to mean anything (or to fit a TimeSpan): none.</summary>
    static TimeSpan? Seconds(double seconds) => seconds < 1e9 ? TimeSpan.FromSeconds(seconds) : null;
}
