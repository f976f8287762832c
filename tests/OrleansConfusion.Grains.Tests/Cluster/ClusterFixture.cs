using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// One 3-silo cluster shared by the cluster tests. Silos get 0, 2 and 1 training slots in start order
/// (any silo added later gets 2), so capacity and "a 0-slot silo hosts nothing" can be checked. Fake
/// trainers steer by sweep id (see <see cref="TrainingTracker"/>); the trial timings are shortened so
/// the watchdog reacts within seconds. Membership keeps its defaults on purpose: tighter probes on a
/// loaded 2-core machine get live silos declared dead, and a silo told it is dead fails the process fast.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    static readonly int[] SlotsByStartOrder = [0, 2, 1];
    static int _started;

    public static ConcurrentDictionary<string, int> SlotsBySilo { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    /// <summary>Training slots of the silos active now.</summary>
    public int ActiveSlots => Cluster.Silos.Where(s => s.IsActive).Sum(s => SlotsBySilo[s.Name]);

    /// <summary>What every spec here gives as its output_dir: relative, as a confined silo requires; it resolves to <see cref="OutputRoot"/>.</summary>
    public const string Output = ".";

    public string OutputRoot { get; } = Path.Combine(Path.GetTempPath(), "orleansconfusion-grains-tests", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((options, silo) =>
        {
            int index = Interlocked.Increment(ref _started) - 1;
            int slots = index < SlotsByStartOrder.Length ? SlotsByStartOrder[index] : 2;
            SlotsBySilo[options.SiloName] = slots;
            silo.AddOrleansConfusion(o =>
            {
                o.CpuSlots = slots;
                o.GpuSlots = 0;
                o.ReportInterval = TimeSpan.FromMilliseconds(200);
                o.DispatchInterval = TimeSpan.FromMilliseconds(250);
                o.StaleAfter = TimeSpan.FromSeconds(5);
            });
            silo.UseInMemoryReminderService();
            // Output confined to this fixture's root, as on a real silo: every spec here writes inside it.
            silo.Services.Configure<ParquetSinkOptions>(o => o.BaseDirectory = OutputRoot);
            silo.Services.AddGrainStorage(StorageNames.Sweeps, (sp, _) => new ProcessWideGrainStorage(sp.GetRequiredService<DeepCopier>()));
            silo.Services.AddSingleton<TorchTrialTrainer>();
            silo.Services.AddSingleton<ITrialTrainer, FakeTrainer>();
        });
        builder.ConfigureClient(client => client.AddOrleansConfusionClient());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(OutputRoot, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }
}
