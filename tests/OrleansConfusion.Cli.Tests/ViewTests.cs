using OrleansConfusion.Cli.Results;
using OrleansConfusion.Cli.Views;
using OrleansConfusion.Grains.Abstractions;
using Spectre.Console.Testing;

namespace OrleansConfusion.Cli.Tests;

/// <summary>Views rendered into Spectre's TestConsole (non-interactive, so progress is plain lines).</summary>
public sealed class ViewTests
{
    static TestConsole Console()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        return console;
    }

    [Fact]
    public void Summary_table_shows_each_trial_and_marks_missing_values()
    {
        var console = Console();
        console.Write(SummaryTable.Build(
        [
            new TrialSummary { Label = "mlp w16 d2 he_normal relu s0", Status = "completed", FinalLoss = 0.51234, FinalAccuracy = 0.8, MinCosine = -0.25, Eta = 0.125 },
            new TrialSummary { Label = "mlp w[256] d2", Status = "failed", Error = "out of memory" },
        ]));

        string text = console.Output;
        Assert.Contains("mlp w16 d2 he_normal relu s0", text);
        Assert.Contains("0.5123", text);
        Assert.Contains("80.0%", text);
        Assert.Contains("-0.2500", text);
        Assert.Contains("mlp w[256] d2", text); // markup in labels is escaped, not interpreted
        Assert.Contains("failed (out of memory)", text);
        Assert.Contains("–", text);
    }

    [Fact]
    public void Status_table_lists_counts_and_running_trials()
    {
        var console = Console();
        console.Write(StatusTable.Build(new SweepStatus
        {
            SweepId = "quick", State = SweepState.Running, Total = 6, Completed = 2, Running = 1, Queued = 3,
            ActiveTrials = [new TrialStatus { TrialId = "abc", Label = "mlp w64 d2", Step = 10, TotalSteps = 40, Epoch = 1, LastLoss = 1.5, Silo = "s1" }],
        }));

        Assert.Contains("2/6 finished", console.Output);
        Assert.Contains("mlp w64 d2", console.Output);
        Assert.Contains("10/40", console.Output);
    }

    [Fact]
    public async Task Progress_falls_back_to_plain_lines_when_not_interactive()
    {
        var console = Console();
        var view = new SweepProgressView(console);
        var script = new Queue<SweepStatus>(
        [
            new SweepStatus { SweepId = "s", State = SweepState.Running, Total = 2, Running = 1, Queued = 1, ActiveTrials = [new TrialStatus { TrialId = "a", Label = "mlp w4", Step = 1, TotalSteps = 4 }] },
            new SweepStatus { SweepId = "s", State = SweepState.Completed, Total = 2, Completed = 2 },
        ]);

        var final = await view.FollowAsync(Pushed(script.Select(status => (0.0, status)), clock: null), CancellationToken.None);

        Assert.Equal(SweepState.Completed, final.State);
        Assert.Contains("s: 0/2 finished [#---------] (1 running, 1 queued, 0 failed)", console.Output);
        Assert.Contains("mlp w4 [##--------] 1/4 steps", console.Output);
        Assert.Contains("s: 2/2 finished [##########]", console.Output);
    }

    /// <summary>A clock the test moves: each poll of the view happens "later" by what the script says.</summary>
    sealed class SteppedClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Statuses as a coordinator would push them, each arriving "later" on <paramref name="clock"/> by what the script says.</summary>
    static async IAsyncEnumerable<SweepStatus> Pushed(IEnumerable<(double Seconds, SweepStatus Status)> script, SteppedClock? clock)
    {
        foreach (var (seconds, status) in script)
        {
            await Task.Yield();
            if (clock is not null) clock.Now = T0.AddSeconds(seconds);
            yield return status;
        }
    }

    static SweepStatus Running(int finished, int total, params TrialStatus[] active) => new()
    {
        SweepId = "quick", State = SweepState.Running, Total = total, Completed = finished,
        Running = active.Length, Queued = total - finished - active.Length, ActiveTrials = active,
    };

    [Fact]
    public void A_trial_that_has_not_reported_shows_as_starting_with_a_bar_never_as_0_of_0()
    {
        var line = SweepProgressView.PlainLine(Running(0, 3, new TrialStatus { TrialId = "a", Label = "mlp w256 d2 he_normal relu s0", State = TrialState.Running }), SweepPace.Unknown);

        Assert.DoesNotContain("0/0", line);
        Assert.Contains("mlp w256 d2 he_normal relu s0 [----------] starting (no progress report yet)", line);
        Assert.Contains("trials/min and ETA after the first progress", line);
    }

    [Fact]
    public void A_reporting_trial_shows_steps_of_its_total_its_steps_per_second_and_its_time_left()
    {
        var t = new TrialStatus { TrialId = "a", Label = "mlp w64", State = TrialState.Running, Step = 20, TotalSteps = 48, StepsPerSecond = 4, LastLoss = 1.25 };

        var line = SweepProgressView.PlainLine(Running(2, 6, t), new SweepPace(1.5, TimeSpan.FromSeconds(185)));

        Assert.Contains("quick: 2/6 finished [####------] (1 running, 3 queued, 0 failed), 1.5 trials/min, ETA 3m05s", line);
        Assert.Contains("mlp w64 [####------] 20/48 steps, loss 1.250, 4.0 steps/s, ETA 7s", line);
    }

    [Fact]
    public void Throughput_counts_finished_trials_and_the_done_part_of_running_ones()
    {
        var pace = new SweepThroughput(TimeSpan.FromMinutes(1));
        static TrialStatus At(long step) => new() { TrialId = "a", Step = step, TotalSteps = 100 };

        Assert.Equal(SweepPace.Unknown, pace.Observe(Running(0, 6, At(0)), T0));
        // 30 s later: one trial done and the next half way, 1.5 trials of work: 3 trials/min, 4.5 left, 90 s.
        var after = pace.Observe(Running(1, 6, At(50)), T0.AddSeconds(30));
        Assert.Equal(3, after.TrialsPerMinute!.Value, 9);
        Assert.Equal(90, after.Remaining!.Value.TotalSeconds, 6);
        // No net progress over the window (a re-driven trial lost its steps): no rate rather than a negative one.
        var back = new SweepThroughput(TimeSpan.FromSeconds(10));
        back.Observe(Running(1, 6, At(80)), T0);
        Assert.Equal(SweepPace.Unknown, back.Observe(Running(1, 6, At(10)), T0.AddSeconds(5)));
    }

    [Fact]
    public void Throughput_forgets_samples_older_than_its_window()
    {
        var pace = new SweepThroughput(TimeSpan.FromSeconds(60));
        static TrialStatus At(long step) => new() { TrialId = "a", Step = step, TotalSteps = 100 };
        pace.Observe(Running(0, 10, At(0)), T0);
        pace.Observe(Running(0, 10, At(10)), T0.AddSeconds(60));
        // Slow at first (0.1 trial in the first minute), then 1 trial in the next: the rate follows the last minute.
        var now = pace.Observe(Running(1, 10, At(10)), T0.AddSeconds(120));
        Assert.Equal(1, now.TrialsPerMinute!.Value, 9);
    }

    [Fact]
    public async Task Plain_progress_prints_the_sweeps_rate_and_time_left_as_it_measures_them()
    {
        var console = Console();
        var clock = new SteppedClock(T0);
        var view = new SweepProgressView(console, clock);
        static TrialStatus At(long step) => new() { TrialId = "a", Label = "mlp w4", State = TrialState.Running, Step = step, TotalSteps = 100, StepsPerSecond = 10 };
        var script = new Queue<(double Seconds, SweepStatus Status)>(
        [
            (0, Running(0, 4, At(0))),
            (10, Running(0, 4, At(100))),
            (20, Running(2, 4)),
            (40, new SweepStatus { SweepId = "quick", State = SweepState.Completed, Total = 4, Completed = 4 }),
        ]);

        await view.FollowAsync(Pushed(script, clock), CancellationToken.None);

        // One trial's work in 10 s: 6 trials/min, 3 trials left: 30 s.
        Assert.Contains("quick: 0/4 finished [##--------] (1 running, 3 queued, 0 failed), 6.0 trials/min, ETA 30s; mlp w4 [##########] 100/100 steps, 10.0 steps/s, ETA 0s", console.Output);
        Assert.Contains("quick: 4/4 finished [##########] (0 running, 0 queued, 0 failed)", console.Output);
    }

    [Fact]
    public async Task The_live_view_labels_a_trial_without_a_report_as_starting_and_shows_steps_rate_and_pace()
    {
        var console = Console().Interactive();
        var clock = new SteppedClock(T0);
        var view = new SweepProgressView(console, clock);
        var script = new Queue<(double Seconds, SweepStatus Status)>(
        [
            (0, Running(0, 2, new TrialStatus { TrialId = "a", Label = "mlp w8", State = TrialState.Running })),
            (10, Running(0, 2, new TrialStatus { TrialId = "a", Label = "mlp w8", State = TrialState.Running, Step = 25, TotalSteps = 50, StepsPerSecond = 5 })),
            (20, new SweepStatus { SweepId = "quick", State = SweepState.Completed, Total = 2, Completed = 2 }),
        ]);

        await view.FollowAsync(Pushed(script, clock), CancellationToken.None);

        Assert.Contains("mlp w8 starting (no progress report yet)", console.Output);
        Assert.Contains("mlp w8 25/50 steps, 5.0 steps/s, ETA 5s", console.Output);
        // Half a trial in 10 s: 3 trials/min, 1.5 left: 30 s.
        Assert.Contains("overall 0/2 3.0 trials/min, ETA 30s", console.Output);
    }
}
