using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Persistence;
using Orleans.Storage;
using Orleans.Serialization;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Wire types must survive a real serializer round trip (what a call to another silo does), including
/// values equal to default(T) in properties whose initialiser is something else.
/// </summary>
public sealed class WireRoundTripTests
{
    static T RoundTrip<T>(T value)
    {
        using var services = new ServiceCollection().AddSerializer().BuildServiceProvider();
        var serializer = services.GetRequiredService<Serializer>();
        return serializer.Deserialize<T>(serializer.SerializeToArray(value))!;
    }

    internal static readonly TrialSpec Sample = new()
    {
        Model = new ModelSpec { Bias = false, InitScale = 0.5 },
        Measurement = new MeasurementSpec { EachEpoch = false, PaperPairs = 0, PerSampleM = 0 },
        Training = new TrainingSpec { Epochs = 0, Steps = 600, BatchSize = 32 },
        Dataset = new DatasetSpec { Name = "sphere", SphereLabels = "random" },
    };

    [Fact]
    public void Values_equal_to_their_types_default_survive_where_the_initialiser_differs()
    {
        var back = RoundTrip(Sample);
        Assert.False(back.Model.Bias);
        Assert.False(back.Measurement.EachEpoch);
        Assert.Equal(0, back.Measurement.PaperPairs);
        Assert.Equal(0, back.Measurement.PerSampleM);
        Assert.Equal(0, back.Training.Epochs);
        Assert.Equal(600, back.Training.Steps);
    }
}

/// <summary>Grain state takes the same care: Orleans' default storage serializer (JSON) left such values out.</summary>
public sealed class GrainStateRoundTripTests
{
    /// <summary>A silo as the hosts build it, with memory or Redis sweep storage; built, not started.</summary>
    static IHost BuildSilo(string storage)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering().AddOrleansConfusion();
            if (storage == "memory") silo.AddMemoryGrainStorage(StorageNames.Sweeps);
            else silo.AddRedisGrainStorage(StorageNames.Sweeps, o => o.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse("localhost:6379"));
        });
        return builder.Build();
    }

    static IGrainStorageSerializer SweepStorageSerializer(IHost host, string storage) => storage == "memory"
        ? host.Services.GetRequiredService<IOptionsMonitor<MemoryGrainStorageOptions>>().Get(StorageNames.Sweeps).GrainStorageSerializer!
        : host.Services.GetRequiredService<IOptionsMonitor<RedisStorageOptions>>().Get(StorageNames.Sweeps).GrainStorageSerializer!;

    [Theory]
    [InlineData("memory")]
    [InlineData("redis")]
    public void A_silos_sweep_storage_keeps_values_equal_to_their_types_default(string kind)
    {
        using var host = BuildSilo(kind);
        var storage = SweepStorageSerializer(host, kind);

        // A trial grain's state holds the trial's spec (a coordinator's holds only the sweep's).
        var state = new TrialGrainState { Specs = [WireRoundTripTests.Sample] };
        var back = storage.Deserialize<TrialGrainState>(storage.Serialize(state))!.Specs.Single();

        Assert.False(back.Measurement.EachEpoch);
        Assert.False(back.Model.Bias);
        Assert.Equal(0, back.Measurement.PaperPairs);
        Assert.Equal(0, back.Training.Epochs);
    }

    [Fact]
    public void The_state_warm_up_runs_on_a_silos_services()
    {
        using var host = BuildSilo("memory");
        StateWarmup.Run(host.Services);
    }
}
