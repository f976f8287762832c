namespace OrleansConfusion.Silo;

public enum ClusteringMode
{
    /// <summary>Loopback development clustering; grain state and reminders live in memory.</summary>
    Localhost,

    /// <summary>Membership, grain state ("sweeps") and reminders in Redis (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,
}
