using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace OrleansConfusion.Grains;

/// <summary>
/// How a trial grain retries a report its coordinator did not take: 1, 2, 4, 8, then 15 s apart, 10 tries in all
/// (about 1.5 minutes), long enough for a coordinator to move to another silo or for its storage to come back. Polly
/// runs it, resuming on the grain's scheduler (continueOnCapturedContext), so the retried send may touch grain fields.
/// </summary>
internal static class ReportRetry
{
    static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(),
            MaxRetryAttempts = 9,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(15),
            OnRetry = args =>
            {
                if (args.Context.Properties.TryGetValue(Log, out var log)) log(args.AttemptNumber + 1, args.Outcome.Exception);
                return default;
            },
        })
        .Build();

    static readonly ResiliencePropertyKey<Action<int, Exception?>> Log = new("log");

    /// <summary>True once <paramref name="action"/> succeeded; false, logged, after the last try failed.</summary>
    /// <param name="onRetry">Also told of each failed try (its number and error), e.g. to keep it for the trial's log.</param>
    public static async Task<bool> RunAsync(Func<Task> action, string what, string grainKey, ILogger logger, Action<int, Exception?>? onRetry = null)
    {
        var context = ResilienceContextPool.Shared.Get(continueOnCapturedContext: true);
        context.Properties.Set(Log, (attempt, e) =>
        {
            logger.LogWarning("Trial {Trial} could not {What} (try {Try}): {Error}", grainKey, what, attempt, e?.Message);
            onRetry?.Invoke(attempt, e);
        });
        try
        {
            await Pipeline.ExecuteAsync(async _ => await action(), context);
            return true;
        }
        catch (Exception e)
        {
            logger.LogError(e, "Trial {Trial} gave up trying to {What}", grainKey, what);
            return false;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
