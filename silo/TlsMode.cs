namespace OrleansConfusion.Silo;

/// <summary>How this silo's Orleans connections are secured (<c>Silo:Tls:Mode</c>).</summary>
public enum TlsMode
{
    /// <summary>Plaintext. Must be chosen explicitly, except with localhost clustering, which listens on loopback only.</summary>
    None,

    /// <summary>TLS on every silo-to-silo and gateway connection, each side proving itself with a certificate from the cluster CA.</summary>
    Mutual,
}
