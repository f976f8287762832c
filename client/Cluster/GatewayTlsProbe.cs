using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace OrleansConfusion.Cli.Cluster;

/// <summary>
/// Says why a connection to a gateway failed when TLS is the cause. Orleans' TLS layer only logs a failed
/// handshake and drops the connection, so the client sees a closed socket at best. This probe repeats the
/// handshake itself, with the same certificate and the same trust rule, and turns what it sees into a sentence:
/// which certificate was missing or rejected, by whom.
/// </summary>
public static class GatewayTlsProbe
{
    /// <summary>
    /// A sentence naming the certificate at fault, or null when TLS is not why (the gateway is plaintext as the
    /// client expects, or the handshake succeeds).
    /// </summary>
    public static async Task<string?> ExplainAsync(string host, int port, ClusterCertificates? certificates, string? certificateSource, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, cts.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }

        // Described inside the callback: SslStream disposes the certificate it hands over once the callback returns.
        string? serverCertificate = null;
        string serverProblem = "";
        bool serverTrusted = false;
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, _) =>
        {
            if (certificate is null) return false;
            serverCertificate = ClusterCertificates.Describe(certificate);
            // Without our own trust material there is nothing to judge the server by; the probe only needs to see
            // whether the gateway speaks TLS and what it does with a client that has no certificate.
            serverTrusted = certificates is null
                || certificates.TryValidate(certificate as X509Certificate2 ?? new X509Certificate2(certificate), chain, out serverProblem);
            return serverTrusted;
        });
        string? failure = null;
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                // Present the certificate even when the gateway names other CAs as acceptable; its refusal is the answer.
                LocalCertificateSelectionCallback = certificates is null ? null : (_, _, _, _, _) => certificates.Certificate,
                ClientCertificates = certificates is null ? null : new X509CertificateCollection { certificates.Certificate },
            }, cts.Token);
            // The gateway judges the client's certificate once its side of the handshake is done (with TLS 1.3, after
            // ours is), and a refusal closes the connection. Accepted, it waits in silence for Orleans' preamble.
            // So: a read that ends or fails soon means refused; one still waiting after a moment means accepted.
            using var read = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
            read.CancelAfter(timeout / 2);
            int n = await ssl.ReadAsync(new byte[1], read.Token);
            failure = n == 0 ? "it closed the connection after the handshake" : null;
        }
        catch (OperationCanceledException) when (!cts.IsCancellationRequested && serverCertificate is not null)
        {
            // Still open: the gateway accepted this client's certificate. TLS is not why the connection failed.
            return null;
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            failure = e is OperationCanceledException ? $"no TLS answer within {timeout.TotalSeconds:0.#} s" : e.GetBaseException().Message;
        }
        if (failure is null) return null;

        if (serverCertificate is null)
        {
            // The gateway never sent a certificate: it does not speak TLS.
            return certificates is null ? null
                : $"the gateway at {host}:{port} did not answer a TLS handshake ({failure}); it seems to run without TLS (Silo:Tls:Mode=None), " +
                  "so connect without --tls-cert/--tls-key/--tls-ca";
        }
        if (!serverTrusted)
            return $"the gateway's certificate {serverCertificate} was rejected: it does not chain to the CA in " +
                   $"'{certificates!.CaPath}' ({serverProblem})";
        if (certificates is null)
            return $"the gateway at {host}:{port} requires mutual TLS (it presented {serverCertificate}) and this client " +
                   $"gave no certificate: give --tls-cert, --tls-key and --tls-ca (or {ClusterOptionSetNames.Variables})";
        return $"the gateway at {host}:{port} rejected the client certificate {ClusterCertificates.Describe(certificates.Certificate)} " +
               $"from {certificateSource}: it must be issued by the cluster's CA ({failure})";
    }
}
