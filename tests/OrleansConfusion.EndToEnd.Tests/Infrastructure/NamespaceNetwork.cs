using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A small network of "hosts" on one machine: one Linux network namespace per host, each joined by a veth pair
/// to a bridge that lives in a namespace of its own, so that a host can be cut off (its bridge port set down)
/// or slowed without touching any other. The test process itself is a host too: a veth from the root namespace
/// to the bridge carries <see cref="ClientAddress"/>, so the CLI and the HTTP scrapes reach every host directly.
/// Addresses are in 198.18.0.0/15 (RFC 2544, benchmarking) only: one /24 per network, chosen free at start.
/// Needs root and iproute2 (ip); nft for <see cref="SetLossAsync"/> and <see cref="Relay"/>.
/// Everything is named with <see cref="RunPrefix"/> (the test process's id); the constructor removes what an
/// earlier, crashed test process left behind, and <see cref="DisposeAsync"/> removes what this one made.
/// </summary>
public sealed class NamespaceNetwork : IAsyncDisposable
{
    const string Prefix = "ocpn";
    static int _networks;

    readonly string _id;
    readonly List<string> _namespaces = [];
    readonly Dictionary<string, (string Namespace, string BridgePort, string Address)> _hosts = [];
    readonly List<IDisposable> _owned = [];

    /// <summary>This test process's prefix for namespace and link names ("ocpn" and its pid in hex: under 15 characters with a suffix).</summary>
    public static string RunPrefix { get; } = Prefix + Environment.ProcessId.ToString("x", CultureInfo.InvariantCulture);

    NamespaceNetwork(int subnet)
    {
        _id = $"{RunPrefix}n{Interlocked.Increment(ref _networks)}";
        Subnet = subnet;
    }

    /// <summary>The third octet: every address is 198.18.<see cref="Subnet"/>.x.</summary>
    public int Subnet { get; }

    public string ClientAddress => Address(1);

    public string BridgeNamespace => _id + "-br";

    string RootLink => _id + "r";

    public string Address(int host) => $"198.18.{Subnet}.{host}";

    /// <summary>The bridge namespace, and the veth from this (root) namespace to it.</summary>
    public static async Task<NamespaceNetwork> CreateAsync()
    {
        RequiredTool.Find("ip", "iproute2");
        await RemoveLeftoversAsync();
        var network = new NamespaceNetwork(await FreeSubnetAsync());
        try
        {
            await network.CreateBridgeAsync();
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    /// <summary>A namespace for one host, with address 198.18.subnet.<paramref name="hostNumber"/> on its eth0.</summary>
    public async Task<string> AddHostAsync(string name, int hostNumber)
    {
        if (hostNumber is < 2 or > 254) throw new ArgumentOutOfRangeException(nameof(hostNumber), "2..254 (1 is the test process)");
        var ns = $"{_id}-{name}";
        var port = "v" + name;
        await IpAsync("netns", "add", ns);
        _namespaces.Add(ns);
        await IpAsync("-n", BridgeNamespace, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        await IpAsync("-n", BridgeNamespace, "link", "set", port, "master", "br0", "up");
        await IpAsync("-n", ns, "addr", "add", $"{Address(hostNumber)}/24", "dev", "eth0");
        await IpAsync("-n", ns, "link", "set", "eth0", "up");
        await IpAsync("-n", ns, "link", "set", "lo", "up");
        _hosts[name] = (ns, port, Address(hostNumber));
        return ns;
    }

    public string Namespace(string host) => _hosts[host].Namespace;

    public string HostAddress(string host) => _hosts[host].Address;

    /// <summary>
    /// Cuts a host off (or reconnects it) by setting its bridge port down: no frame passes in either direction,
    /// as with a pulled cable. The host's own eth0 loses carrier; its processes keep running.
    /// </summary>
    public Task SetConnectedAsync(string host, bool connected) =>
        IpAsync("-n", BridgeNamespace, "link", "set", _hosts[host].BridgePort, connected ? "up" : "down");

    /// <summary>Drops <paramref name="percent"/>% of the packets every host sends to the others (nft, random, on output); 0 removes the rule.</summary>
    public async Task SetLossAsync(int percent)
    {
        var nft = RequiredTool.Find("nft");
        foreach (var (ns, _, _) in _hosts.Values)
        {
            await RunAsync("ip", "netns", "exec", ns, nft, "delete", "table", "ip", "ocloss").ContinueWith(_ => { });
            if (percent <= 0) continue;
            await RunStdinAsync($"table ip ocloss {{\n chain out {{ type filter hook output priority 0; ip daddr 198.18.{Subnet}.0/24 numgen random mod 100 < {percent} drop; }}\n}}\n",
                "ip", "netns", "exec", ns, nft, "-f", "-");
        }
    }

    /// <summary>
    /// Routes every TCP connection a host opens to another host's <paramref name="ports"/> through a relay in this
    /// process that holds each byte for <paramref name="oneWayDelay"/> in each direction (nft DNAT in the host's
    /// namespace sends the connection to the relay, which dials the real destination). The kernel here has no
    /// sch_netem (no tc netem), so latency is added in user space; loss stays in the kernel (<see cref="SetLossAsync"/>).
    /// </summary>
    public async Task<DelayRelay> DelayAsync(TimeSpan oneWayDelay, params int[] ports)
    {
        var nft = RequiredTool.Find("nft");
        var relay = new DelayRelay(ClientAddress, oneWayDelay);
        _owned.Add(relay);
        var targets = _hosts.Values.SelectMany(h => ports.Select(p => (h.Address, Port: p))).ToList();
        var map = new Dictionary<(string, int), int>();
        foreach (var target in targets) map[target] = relay.Listen(target.Address, target.Port);
        foreach (var (ns, _, address) in _hosts.Values)
        {
            var entries = string.Join(", ", targets.Where(t => t.Address != address).Select(t => $"{t.Address} . {t.Port} : {ClientAddress} . {map[t]}"));
            await RunStdinAsync($"table ip ocdelay {{\n chain out {{ type nat hook output priority -100; dnat ip to ip daddr . tcp dport map {{ {entries} }}; }}\n}}\n",
                "ip", "netns", "exec", ns, nft, "-f", "-");
        }

        return relay;
    }

    /// <summary>Removes the delay rules (new connections go direct again; open ones stay on the relay).</summary>
    public async Task RemoveDelayAsync()
    {
        var nft = RequiredTool.Find("nft");
        foreach (var (ns, _, _) in _hosts.Values)
            await RunAsync("ip", "netns", "exec", ns, nft, "delete", "table", "ip", "ocdelay").ContinueWith(_ => { });
    }

    /// <summary>A process in a host's namespace (ip netns exec); killed with the network if still running.</summary>
    public ManagedProcess Start(string host, string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        var process = new ManagedProcess(name, "ip", ["netns", "exec", _hosts[host].Namespace, fileName, .. args], env, workingDirectory);
        _owned.Add(process);
        return process;
    }

    /// <summary>Waits until something accepts TCP connections on the address and port.</summary>
    public static async Task WaitForTcpAsync(string address, int port, TimeSpan timeout, ManagedProcess process)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited) Assert.Fail($"{process.Name} exited with {process.ExitCode}.\n{process.Tail()}");
            try
            {
                using var client = new TcpClient();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(address, port, cts.Token);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }

        Assert.Fail($"nothing accepted connections on {address}:{port} within {timeout}.\n{process.Tail()}");
    }

    public async ValueTask DisposeAsync()
    {
        // Processes first (silos before Redis: the reverse of their start), then the namespaces, which takes
        // their veths (and the root one's peer) with them.
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                _owned[i].Dispose();
            }
            catch (Exception e) when (e is InvalidOperationException or IOException)
            {
                // Already gone.
            }
        }

        foreach (var ns in _namespaces.Append(BridgeNamespace)) await RemoveNamespaceAsync(ns);
        await RunAsync("ip", "link", "del", RootLink).ContinueWith(_ => { });
    }

    async Task CreateBridgeAsync()
    {
        await IpAsync("netns", "add", BridgeNamespace);
        await IpAsync("-n", BridgeNamespace, "link", "add", "br0", "type", "bridge");
        await IpAsync("-n", BridgeNamespace, "link", "set", "br0", "up");
        await IpAsync("link", "add", RootLink, "type", "veth", "peer", "name", "vroot", "netns", BridgeNamespace);
        await IpAsync("-n", BridgeNamespace, "link", "set", "vroot", "master", "br0", "up");
        await IpAsync("addr", "add", $"{ClientAddress}/24", "dev", RootLink);
        await IpAsync("link", "set", RootLink, "up");
    }

    /// <summary>Namespaces and root links named by a test process that is no longer running (a crashed run).</summary>
    static async Task RemoveLeftoversAsync()
    {
        var (_, namespaces) = await RunAsync("ip", "netns", "list");
        foreach (var line in namespaces.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (IsLeftover(name)) await RemoveNamespaceAsync(name);
        }

        var (_, links) = await RunAsync("ip", "-o", "link", "show");
        foreach (var line in links.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length < 2) continue;
            var name = parts[1].Trim().Split('@')[0];
            if (IsLeftover(name)) await RunAsync("ip", "link", "del", name);
        }
    }

    static bool IsLeftover(string name)
    {
        if (!name.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = new string(name[Prefix.Length..].TakeWhile(Uri.IsHexDigit).ToArray());
        // "ocpn<pid>n<k>...": the digits stop at the 'n'. Not a name of ours if there are none.
        if (hex.Length == 0 || !int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var pid)) return false;
        return pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}");
    }

    /// <summary>Kills whatever still runs in the namespace (its pids, as ip reports them), then deletes it.</summary>
    static async Task RemoveNamespaceAsync(string ns)
    {
        var (_, pids) = await RunAsync("ip", "netns", "pids", ns);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(pid.Trim(), CultureInfo.InvariantCulture, out var id)) continue;
            try
            {
                using var p = Process.GetProcessById(id);
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }

        await RunAsync("ip", "netns", "del", ns);
    }

    /// <summary>The third octet of a 198.18.x.0/24 that no interface of this machine uses.</summary>
    static async Task<int> FreeSubnetAsync()
    {
        var (_, addresses) = await RunAsync("ip", "-4", "-o", "addr", "show");
        for (var attempt = 0; attempt < 256; attempt++)
        {
            var subnet = (Environment.ProcessId + _networks * 7 + attempt) % 254 + 1;
            if (!addresses.Contains($"198.18.{subnet}.", StringComparison.Ordinal)) return subnet;
        }

        throw new InvalidOperationException("every 198.18.x.0/24 is in use on this machine");
    }

    static async Task IpAsync(params string[] args)
    {
        var (code, output) = await RunAsync("ip", args);
        if (code != 0) throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output}");
    }

    static async Task RunStdinAsync(string stdin, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {output}\n{stdin}");
    }

    static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
