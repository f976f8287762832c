using Microsoft.Extensions.Logging;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains;

/// <summary>
/// The I/O of a sweep's end, for its coordinator: the final files written and the sweep stored as ended. When is
/// <see cref="Sweep.NextEnd"/>'s decision.
/// </summary>
internal sealed class SweepEnding(string sweepId, SweepStateStore store, ILogger logger)
{
    /// <summary>
    /// Writes the final files off every caller's path, then stores the sweep as ended; <paramref name="ended"/> runs on the
    /// grain's scheduler in between. A state write first proves this activation still owns the sweep, so a fenced one never
    /// writes them. Should anything fail, the sweep stays Running and the next tick tries again (false); a crash between
    /// the files and the state makes the next activation write them again.
    /// </summary>
    public async Task<bool> FinishAsync(SweepRecorder recorder, Func<Task> recordDecided, Action ended)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var state = store.State;
        try
        {
            // The outcomes the sweep decided itself are in the record before the files that show them.
            await recordDecided();
            await store.SaveAsync();
            await Task.Run(() => recorder.FinishOutputAsync());
            (state.State, state.FinishedAt) = (state.CancelRequested ? SweepState.Cancelled : SweepState.Completed, DateTimeOffset.UtcNow);
            logger.LogInformation("Sweep {Sweep} {State}: sealed and compacted {Directory} ({Rows} measurements) in {Seconds:F1} s",
                sweepId, state.State, recorder.Output.Directory, recorder.Sweep.Ledger.MeasurementRows, clock.Elapsed.TotalSeconds);
            ended();
            // What arrived while the final files were written (a late log line) is sealed too: from here on the sweep
            // is over, and anything later is sealed as it comes (CoordinatorOutput.LogAsync).
            try { await recorder.Output.SealDueAsync(DateTime.MaxValue); }
            catch (Exception e) when (e is IOException or OutputSupersededException)
            {
                logger.LogWarning(e, "Sweep {Sweep}: could not seal what arrived during its end; it stays in the record for the next activation", sweepId);
            }
            try { await store.SaveAsync(); }
            catch (Exception e) when (store.FencedBy is null)
            {
                logger.LogWarning(e, "Sweep {Sweep}: could not store its end; its next activation finishes it again", sweepId);
            }
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Sweep {Sweep}: writing its final files failed; the next tick tries again", sweepId);
            return false;
        }
    }
}
