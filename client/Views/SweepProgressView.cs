using System.Globalization;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console;

namespace OrleansConfusion.Cli.Views;

/// <summary>
/// Follows a sweep until it ends by polling its status. On an interactive terminal it draws one bar
/// per running trial plus an overall bar; otherwise (redirected output, CI, tests) it prints a plain
/// line when the picture changes and at most every <see cref="PlainInterval"/>, so logs stay readable.
/// </summary>
public sealed class SweepProgressView(IAnsiConsole console)
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Polls until the sweep is completed or cancelled; cancellation of the token propagates.</summary>
    public Task<SweepStatus> FollowAsync(Func<CancellationToken, Task<SweepStatus>> poll, CancellationToken cancellationToken) =>
        console.Profile.Capabilities.Interactive ? FollowLiveAsync(poll, cancellationToken) : FollowPlainAsync(poll, cancellationToken);

    public static bool IsOver(SweepStatus s) => s.State is SweepState.Completed or SweepState.Cancelled or SweepState.NotFound;

    async Task<SweepStatus> FollowLiveAsync(Func<CancellationToken, Task<SweepStatus>> poll, CancellationToken cancellationToken)
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
                while (true)
                {
                    var status = await poll(cancellationToken);
                    overall.MaxValue = Math.Max(1, status.Total);
                    overall.Value = status.Finished;
                    overall.Description = $"[bold]overall[/] {status.Finished}/{status.Total}";
                    var active = status.ActiveTrials.ToDictionary(t => t.TrialId);
                    foreach (var t in status.ActiveTrials)
                    {
                        if (!bars.TryGetValue(t.TrialId, out var bar))
                            bars[t.TrialId] = bar = ctx.AddTask(StatusTable.TrialLabel(t).EscapeMarkup(), maxValue: Math.Max(1, t.TotalSteps));
                        bar.MaxValue = Math.Max(1, t.TotalSteps);
                        bar.Value = t.Step;
                        bar.Description = $"{StatusTable.TrialLabel(t).EscapeMarkup()} [grey]loss {Format.Number(t.LastLoss, "0.000")}[/]";
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
                    await Task.Delay(PollInterval, cancellationToken);
                }
            });
    }

    async Task<SweepStatus> FollowPlainAsync(Func<CancellationToken, Task<SweepStatus>> poll, CancellationToken cancellationToken)
    {
        string? lastLine = null;
        var lastPrinted = DateTimeOffset.MinValue;
        while (true)
        {
            var status = await poll(cancellationToken);
            string line = PlainLine(status);
            bool changed = line != lastLine;
            if (IsOver(status) || (changed && DateTimeOffset.UtcNow - lastPrinted >= PlainInterval) || lastLine is null)
            {
                console.WriteLine($"[{DateTimeOffset.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {line}");
                (lastLine, lastPrinted) = (line, DateTimeOffset.UtcNow);
            }
            if (IsOver(status)) return status;
            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    public static string PlainLine(SweepStatus s)
    {
        string head = $"{s.SweepId}: {s.Finished}/{s.Total} finished ({s.Running} running, {s.Queued} queued, {s.Failed} failed)";
        var running = s.ActiveTrials.Select(t => $"{StatusTable.TrialLabel(t)} {t.Step}/{t.TotalSteps}");
        return s.ActiveTrials.Length == 0 ? head : $"{head}; {string.Join(", ", running)}";
    }
}
