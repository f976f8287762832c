namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>The Prometheus and Grafana tests share one silo, one Prometheus and one sweep.</summary>
[CollectionDefinition(Name)]
public sealed class MonitoredSweepCollection : ICollectionFixture<MonitoredSweepFixture>
{
    public const string Name = "Monitored sweep";
}
