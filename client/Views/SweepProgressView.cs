using System.Globalization;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Views;

/// <summary>
/// Follows a sweep until it ends, from the statuses its coordinator pushes. On an interactive terminal it draws one bar
/// per running trial plus an overall bar; otherwise (redirected output, CI, tests) it prints a plain
/// line when the picture changes and at most every <see cref="PlainInterval"/>, so logs stay readable.
/// Both show each running trial's steps done of its total, its steps/s and time left, and the sweep's
/// measured trials/min and time left (<see cref="SweepThroughput"/>). A trial that has not reported yet
/// (loading data, measuring before its first step) shows as starting, never as 0/0.
/// </summary>
public sealed class SweepProgressView(IAnsiConsole console, TimeProvider? time = null)
{
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Shows each status until one says the sweep is over, and returns that one (or the last, should the statuses end
    /// first); cancellation of the token propagates.
    /// </summary>
    public Task<SweepStatus> FollowAsync(IAsyncEnumerable<SweepStatus> statuses, CancellationToken cancellationToken) =>
        console.Profile.Capabilities.Interactive ? FollowLiveAsync(statuses, cancellationToken) : FollowPlainAsync(statuses, cancellationToken);

    public static bool IsOver(SweepStatus s) => s.State is SweepState.Completed or SweepState.Cancelled or SweepState.Failed or SweepState.NotFound;

    async Task<SweepStatus> FollowLiveAsync(IAsyncEnumerable<SweepStatus> statuses, CancellationToken cancellationToken)
    {
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var overall = ctx.AddTask("[bold]overall[/]", maxValue: 1);
                var bars = new Dictionary<string, ProgressTask>();
                var throughput = new SweepThroughput();
                SweepStatus? last = null;
                await foreach (var status in statuses.WithCancellation(cancellationToken))
                {
                    last = status;
                    var pace = throughput.Observe(status, _time.GetUtcNow());
                    // Partial trials count, so the overall bar moves between trial ends, as its rate does.
                    overall.MaxValue = Math.Max(1, status.Total);
                    overall.Value = SweepThroughput.Work(status);
                    overall.Description = IsOver(status) ? $"[bold]overall[/] {status.Finished}/{status.Total}"
                        : $"[bold]overall[/] {status.Finished}/{status.Total} [grey]{PaceText(pace).EscapeMarkup()}[/]";
                    var active = status.ActiveTrials.ToDictionary(t => t.TrialId);
                    foreach (var t in status.ActiveTrials)
                    {
                        if (!bars.TryGetValue(t.TrialId, out var bar))
                            bars[t.TrialId] = bar = ctx.AddTask(StatusTable.TrialLabel(t).EscapeMarkup(), maxValue: Math.Max(1, t.TotalSteps));
                        // Until its first report a trial's total is unknown: an indeterminate bar, not an empty 0/1.
                        bar.IsIndeterminate = t.TotalSteps <= 0;
                        bar.MaxValue = Math.Max(1, t.TotalSteps);
                        bar.Value = t.Step;
                        bar.Description = $"{StatusTable.TrialLabel(t).EscapeMarkup()} [grey]{TrialText(t, withBar: false).EscapeMarkup()}[/]";
                    }
                    // A trial that left the running set has finished: fill and hide its bar.
                    foreach (var (id, bar) in bars.Where(b => !active.ContainsKey(b.Key)).ToList())
                    {
                        bar.HideWhenCompleted = true;
                        bar.Value = bar.MaxValue;
                        bar.StopTask();
                        bars.Remove(id);
                    }
                    if (IsOver(status))
                    {
                        overall.Value = overall.MaxValue;
                        overall.StopTask();
                        return status;
                    }
                    // Statuses are pushed when something changed: draw each one now, not at the next refresh tick.
                    ctx.Refresh();
                }
                return last ?? throw new InvalidOperationException("the coordinator sent no status");
            });
    }

    async Task<SweepStatus> FollowPlainAsync(IAsyncEnumerable<SweepStatus> statuses, CancellationToken cancellationToken)
    {
        string? lastLine = null;
        var lastPrinted = DateTimeOffset.MinValue;
        var throughput = new SweepThroughput();
        SweepStatus? last = null;
        await foreach (var status in statuses.WithCancellation(cancellationToken))
        {
            last = status;
            var now = _time.GetUtcNow();
            string line = PlainLine(status, throughput.Observe(status, now));
            bool changed = line != lastLine;
            if (IsOver(status) || (changed && now - lastPrinted >= PlainInterval) || lastLine is null)
            {
                console.WriteLine($"[{_time.GetLocalNow().ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");
                (lastLine, lastPrinted) = (line, now);
            }
            if (IsOver(status)) return status;
        }
        return last ?? throw new InvalidOperationException("the coordinator sent no status");
    }

    /// <summary>
    /// "quick: 2/6 finished [####------] (1 running, 3 queued, 0 failed), 1.9 trials/min, ETA 2m06s;
    /// mlp w64 d2 he_normal relu s0 [####------] 20/48 steps, loss 1.234, 31.0 steps/s, ETA 1s".
    /// </summary>
    public static string PlainLine(SweepStatus s, SweepPace pace)
    {
        string bar = Format.Bar(s.Total > 0 ? SweepThroughput.Work(s) / s.Total : 0);
        string head = $"{s.SweepId}: {s.Finished}/{s.Total} finished {bar} ({s.Running} running, {s.Queued} queued, {s.Failed} failed)";
        if (!IsOver(s)) head += ", " + PaceText(pace);
        var running = s.ActiveTrials.Select(t => $"{StatusTable.TrialLabel(t)} {TrialText(t, withBar: true)}");
        return s.ActiveTrials.Length == 0 ? head : $"{head}; {string.Join(", ", running)}";
    }

    /// <summary>"1.9 trials/min, ETA 2m06s", or what is still missing for them.</summary>
    static string PaceText(SweepPace pace) => pace.TrialsPerMinute is { } rate
        ? $"{Format.Number(rate, rate < 10 ? "0.0" : "0")} trials/min, ETA {(pace.Remaining is { } left ? Format.Duration(left) : "–")}"
        : "trials/min and ETA after the first progress";

    /// <summary>"[####------] 20/48 steps, loss 1.234, 31.0 steps/s, ETA 1s", or "starting" before the trial's first report.</summary>
    static string TrialText(TrialStatus t, bool withBar)
    {
        if (SweepThroughput.Fraction(t) is not { } fraction)
            return (withBar ? Format.Bar(0) + " " : "") + "starting (no progress report yet)";
        string text = $"{(withBar ? Format.Bar(fraction) + " " : "")}{t.Step}/{t.TotalSteps} steps";
        if (double.IsFinite(t.LastLoss)) text += $", loss {Format.Number(t.LastLoss, "0.000")}";
        if (t.StepsPerSecond > 0) text += $", {Format.Number(t.StepsPerSecond, "0.0")} steps/s";
        if (SweepThroughput.Remaining(t) is { } left) text += $", ETA {Format.Duration(left)}";
        return text;
    }
}
