using System.Diagnostics;

namespace OrleansConfusion.Engine.Training;

/// <summary>Turns per-step calls into a few <see cref="TrialProgress"/> reports per second, with rates.</summary>
internal sealed class ProgressThrottle(Action<TrialProgress>? sink, long totalSteps, int batchSize)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport = TimeSpan.Zero;
    private long _lastStep = -1;

    public void Report(long step, int epoch, double loss)
    {
        if (sink is null) return;
        var now = _clock.Elapsed;
        if (_lastStep >= 0 && now - _lastReport < Interval && step < totalSteps) return;
        double seconds = (now - _lastReport).TotalSeconds;
        double stepsPerSecond = _lastStep >= 0 && seconds > 0 ? (step - _lastStep) / seconds : 0;
        _lastReport = now;
        _lastStep = step;
        sink(new TrialProgress(step, totalSteps, epoch, loss, stepsPerSecond, stepsPerSecond * batchSize));
    }
}
