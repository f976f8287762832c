using Polly;
using Polly.Retry;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Read calls to a sweep's coordinator that ride out its failover. When the coordinator's silo dies, calls time out
/// or are rejected until the membership declares the silo dead and the coordinator activates elsewhere (tens of
/// seconds), and a superseded activation refuses calls until it deactivates. A watcher retries with backoff
/// instead of failing a sweep that goes on. Bounded: about 3 minutes of failures in a row, then the error stands.
/// </summary>
public static class CoordinatorCalls
{
    public static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder()
                .Handle<TimeoutException>()
                .Handle<OrleansException>()
                .Handle<InvalidOperationException>(e => e.Message.Contains("superseded", StringComparison.Ordinal)),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = TimeSpan.FromSeconds(5),
            MaxRetryAttempts = 40,
        })
        .Build();

    public static ValueTask<T> CallAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        Pipeline.ExecuteAsync(async _ => await call(), cancellationToken);
}
