using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;
using OrleansConfusion.Engine.Configuration;

namespace OrleansConfusion.Grains;

/// <summary>
/// Everything a silo needs to run sweeps. The silo host, the CLI's embedded silo and the bench call
/// exactly this; the host still chooses the grain storage named <see cref="StorageNames.Sweeps"/> and a
/// reminder service (memory in tests, Redis in a cluster).
/// </summary>
public static class OrleansConfusionSiloBuilderExtensions
{
    /// <param name="configureScheduling">
    /// Applied after the "OrleansConfusion:Scheduling" section; lets a test give each silo its own slots.
    /// </param>
    public static ISiloBuilder AddOrleansConfusion(this ISiloBuilder builder, Action<TrialSchedulingOptions>? configureScheduling = null)
    {
        var services = builder.Services;
        var scheduling = services.AddOptions<TrialSchedulingOptions>().BindConfiguration(TrialSchedulingOptions.SectionName);
        if (configureScheduling is not null) scheduling.Configure(configureScheduling);
        scheduling.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TrialSchedulingOptions>, TrialSchedulingOptionsValidator>());
        services.AddOptions<ParquetSinkOptions>().BindConfiguration(ParquetSinkOptions.SectionName)
            .Validate(o => o.PartRows >= 1, $"{ParquetSinkOptions.SectionName}:PartRows must be >= 1")
            .Validate(o => o.PartInterval > TimeSpan.Zero, $"{ParquetSinkOptions.SectionName}:PartInterval must be > 0")
            .ValidateOnStart();
        services.AddOptions<TorchRuntimeOptions>().BindConfiguration(TorchRuntimeOptions.SectionName)
            .Validate(o => o.CpuFusionMaxWidth >= 0, $"{TorchRuntimeOptions.SectionName}:CpuFusionMaxWidth must be >= 0 (0: never batch fused seeds on CPU)")
            .ValidateOnStart();

        // The slot count is advertised in silo metadata, which is fixed when the silo is built; so the
        // capacity is decided here from the same configuration the options above bind.
        var capacity = CreateCapacity(builder.Configuration, configureScheduling);
        services.TryAddSingleton(capacity);
        builder.UseSiloMetadata(new Dictionary<string, string>
        {
            [SiloTrainingCapacity.SlotsMetadataKey] = capacity.Slots.ToString(CultureInfo.InvariantCulture),
            [SiloTrainingCapacity.DeviceMetadataKey] = capacity.Device,
        });
        // Grain state in Orleans' own codec for every storage provider not given another (memory, Redis), not
        // Orleans' default JSON one. That JSON leaves out values equal to default(T), so a record whose
        // initialiser differs (EachEpoch = true, Bias = true) read back changed: a re-driven trial trained
        // with each_epoch on. It also made a fresh process's first state write slower (traced: 127 ms against
        // 80-94 ms with this codec).
        services.AddSingleton<IGrainStorageSerializer>(sp => new OrleansGrainStorageSerializer(sp.GetRequiredService<Serializer>()));
        services.TryAddSingleton<ClusterCapacity>();
        services.AddPlacementDirector<TrainingPlacementStrategy, TrainingPlacementDirector>();

        services.TryAddSingleton<DatasetCache>();
        services.TryAddSingleton<ITrialTrainer, TorchTrialTrainer>();
        services.AddMetrics();
        services.TryAddSingleton<ConfusionMetrics>();
        builder.AddStartupTask<SiloWarmup>();

        // No call waits for training, so the default timeout is plenty; set both explicitly because
        // Orleans 10 changed CancelRequestOnTimeout's default (NOTES.md).
        services.AddOptions<SiloMessagingOptions>().Configure<IOptions<TrialSchedulingOptions>>((messaging, options) =>
        {
            messaging.ResponseTimeout = options.Value.ResponseTimeout;
            messaging.CancelRequestOnTimeout = true;
        });
        return builder;
    }

    static SiloTrainingCapacity CreateCapacity(IConfiguration configuration, Action<TrialSchedulingOptions>? configure)
    {
        var scheduling = new TrialSchedulingOptions();
        configuration.GetSection(TrialSchedulingOptions.SectionName).Bind(scheduling);
        configure?.Invoke(scheduling);
        var torch = new TorchRuntimeOptions();
        configuration.GetSection(TorchRuntimeOptions.SectionName).Bind(torch);
        return new SiloTrainingCapacity(scheduling, torch);
    }
}
