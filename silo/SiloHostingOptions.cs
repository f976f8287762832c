namespace OrleansConfusion.Silo;

/// <summary>
/// How this silo joins its cluster: the "Silo" configuration section (appsettings.json, or
/// environment variables such as <c>Silo__Clustering=Redis</c>). Not "Orleans": Orleans itself reads
/// that section and takes <c>Orleans:Clustering</c> for a provider of its own.
/// </summary>
public sealed class SiloHostingOptions
{
    public const string SectionName = "Silo";

    /// <summary>Environment variable that Kubernetes sets through the downward API; its presence turns on Kubernetes hosting.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary><see cref="ClusteringMode.Localhost"/> (default, one machine) or <see cref="ClusteringMode.Redis"/>.</summary>
    public ClusteringMode Clustering { get; set; } = ClusteringMode.Localhost;

    public string ServiceId { get; set; } = "orleansconfusion";
    public string ClusterId { get; set; } = "default";
    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering: the silo port of the primary silo (the first of several on loopback).</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>Redis clustering outside Kubernetes: the address other silos and clients dial.</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// How long a stopping silo has to hand its trials back (deactivate grains, flush rows) before the
    /// host gives up. Keep Kubernetes' terminationGracePeriodSeconds above it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Password of the Redis in <c>ConnectionStrings:Redis</c> (its <c>requirepass</c>), kept apart from the connection
    /// string so that it can come from a Secret while the address stays in a ConfigMap. Set, it overrides any
    /// <c>password=</c> in the connection string.
    /// </summary>
    public string? RedisPassword { get; set; }

    /// <summary>TLS on Orleans connections ("Silo:Tls"); see <see cref="SiloTlsOptions"/>.</summary>
    public SiloTlsOptions Tls { get; set; } = new();
}
