using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace OrleansConfusion.Sweeps;

/// <summary>Client settings that match the silos': short calls only, timeouts explicit.</summary>
public static class OrleansConfusionClientBuilderExtensions
{
    public static IClientBuilder AddOrleansConfusionClient(this IClientBuilder builder, TimeSpan? responseTimeout = null)
    {
        builder.Services.Configure<ClientMessagingOptions>(messaging =>
        {
            messaging.ResponseTimeout = responseTimeout ?? TimeSpan.FromSeconds(30);
            messaging.CancelRequestOnTimeout = true;
        });
        return builder;
    }
}
