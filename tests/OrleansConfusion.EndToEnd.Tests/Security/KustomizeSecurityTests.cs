using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Issue 12, on `kubectl kustomize` of each overlay: NetworkPolicies that open each port to its callers only,
/// hardened pods, pinned images, resources, the silos spread over nodes, and the Secrets named as documented.
/// </summary>
[Trait("Category", "Security")]
public sealed class KustomizeSecurityTests
{
    /// <summary>
    /// Secrets the operator creates (docs/KUBERNETES.md, "Secrets"), never rendered: committing keys or a password
    /// would defeat them. KustomizeTests' reference check accepts exactly these as defined outside the render.
    /// </summary>
    public static readonly IReadOnlySet<string> ExternalSecrets = new HashSet<string> { "silo-tls", "client-tls", "redis-auth" };

    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_pod_is_hardened(string overlay)
    {
        var problems = new List<string>();
        foreach (var (workload, pod) in Pods(Kustomize.Render($"k8s/overlays/{overlay}")))
        {
            var podContext = pod.Map("securityContext");
            if (podContext.Scalar("runAsNonRoot") != "true") problems.Add($"{workload}: runAsNonRoot is not true");
            if (podContext.Scalar("runAsUser") is "" or "0") problems.Add($"{workload}: no non-zero runAsUser");
            if (podContext.Map("seccompProfile").Scalar("type") != "RuntimeDefault") problems.Add($"{workload}: seccompProfile is not RuntimeDefault");
            foreach (var container in pod.List("containers").Concat(pod.List("initContainers")))
            {
                string where = $"{workload}/{container.Scalar("name")}";
                var context = container.Map("securityContext");
                if (context.Scalar("allowPrivilegeEscalation") != "false") problems.Add($"{where}: allowPrivilegeEscalation is not false");
                if (context.Scalar("readOnlyRootFilesystem") != "true") problems.Add($"{where}: readOnlyRootFilesystem is not true");
                var drop = context.Map("capabilities").Children.TryGetValue("drop", out var d) ? ((YamlSequenceNode)d).Children.Select(c => ((YamlScalarNode)c).Value) : [];
                if (!drop.Contains("ALL")) problems.Add($"{where}: capabilities do not drop ALL");
                if (context.Map("capabilities").Children.ContainsKey("add")) problems.Add($"{where}: adds capabilities");
                if (context.Scalar("privileged") == "true") problems.Add($"{where}: privileged");
                if (container.Scalar("imagePullPolicy") is not ("IfNotPresent" or "Always")) problems.Add($"{where}: imagePullPolicy '{container.Scalar("imagePullPolicy")}' not explicit");
                var resources = container.Map("resources");
                if (resources.Map("requests").Children.Count == 0) problems.Add($"{where}: no resource requests");
                if (resources.Map("limits").Scalar("memory").Length == 0) problems.Add($"{where}: no memory limit");
            }
            if (pod.Scalar("hostNetwork") == "true" || pod.Scalar("hostPID") == "true") problems.Add($"{workload}: shares a host namespace");
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Images_are_pinned_by_a_version_tag(string overlay)
    {
        var problems = new List<string>();
        foreach (var (workload, pod) in Pods(Kustomize.Render($"k8s/overlays/{overlay}")))
        {
            foreach (var container in pod.List("containers"))
            {
                string image = container.Scalar("image");
                int colon = image.LastIndexOf(':');
                string tag = colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "";
                // A version names one build; "latest", "cpu" and the like are moved by every push.
                if (!System.Text.RegularExpressions.Regex.IsMatch(tag, @"^v?\d+\.\d+\.\d+") && !image.Contains("@sha256:", StringComparison.Ordinal))
                    problems.Add($"{workload}: image '{image}' is not pinned to a version tag");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void NetworkPolicies_open_each_port_to_its_callers_only(string overlay)
    {
        var docs = Kustomize.Render($"k8s/overlays/{overlay}");
        var policies = docs.Where(d => d.Kind() == "NetworkPolicy").ToDictionary(d => d.Name());

        // Anything not opened is closed: every pod is selected by some policy (which isolates it), and the
        // default deny allows nothing.
        var deny = policies["default-deny-ingress"].Map("spec");
        Assert.False(deny.Children.ContainsKey("ingress") && ((YamlSequenceNode)deny["ingress"]).Children.Count > 0, "default-deny-ingress allows something");
        foreach (var workload in docs.Where(d => d.Kind() is "Deployment" or "Job"))
        {
            var podLabels = workload.Map("spec").Map("template").Map("metadata").Map("labels").Labels();
            Assert.True(policies.Values.Any(p => p.Map("spec").Map("podSelector").Map("matchLabels").Labels().All(kv => podLabels.GetValueOrDefault(kv.Key) == kv.Value)),
                $"{workload.Name()}: no NetworkPolicy selects its pods, so any pod may connect to it");
        }

        var silo = Rules(policies["silo"]);
        Assert.Equal(["11111", "30000", "8080"], silo.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["app.kubernetes.io/name=orleansconfusion-silo"], silo["11111"]);
        Assert.Equal(["orleansconfusion/client=true"], silo["30000"]);
        Assert.All(silo["8080"], peer => Assert.Contains("app.kubernetes.io/name=prometheus", peer, StringComparison.Ordinal));

        var redis = Rules(policies["redis"]);
        Assert.Equal(["6379"], redis.Keys);
        Assert.Equal(["app.kubernetes.io/name=orleansconfusion-silo"], redis["6379"]);

        // The peers named exist: silos, the client Job and the bundled Prometheus carry those labels.
        var labels = Pods(docs).ToDictionary(p => p.Workload, p => docs.Single(d => d.Name() == p.Workload && d.Kind() is "Deployment" or "Job")
            .Map("spec").Map("template").Map("metadata").Map("labels").Labels());
        Assert.Equal("true", labels["submit-sweep"]["orleansconfusion/client"]);
        Assert.Equal("prometheus", labels["prometheus"]["app.kubernetes.io/name"]);
        Assert.False(labels["silo"].ContainsKey("orleansconfusion/client"), "silos must not be gateway clients by label");
        Assert.False(labels["grafana"].ContainsKey("orleansconfusion/client"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_use_mutual_tls_and_the_redis_password_from_named_secrets(string overlay)
    {
        var docs = Kustomize.Render($"k8s/overlays/{overlay}");
        var silo = docs.Single(d => d.Kind() == "Deployment" && d.Name() == "silo").Map("spec").Map("template").Map("spec");
        var container = silo.List("containers").Single();
        var configName = container.List("envFrom").Single().Map("configMapRef").Scalar("name");
        var config = docs.Single(d => d.Kind() == "ConfigMap" && d.Name() == configName).Map("data");
        Assert.Equal("Mutual", config.Scalar("Silo__Tls__Mode"));

        var tlsVolume = silo.List("volumes").Single(v => v.Map("secret").Scalar("secretName") == "silo-tls").Scalar("name");
        var mount = container.List("volumeMounts").Single(m => m.Scalar("name") == tlsVolume).Scalar("mountPath");
        foreach (var (key, file) in new[] { ("Silo__Tls__CertificatePath", "tls.crt"), ("Silo__Tls__KeyPath", "tls.key"), ("Silo__Tls__CaPath", "ca.crt") })
            Assert.Equal($"{mount}/{file}", config.Scalar(key));

        Assert.Equal("redis-auth", SecretKeyRef(container, "Silo__RedisPassword"));
        var redis = docs.Single(d => d.Kind() == "Deployment" && d.Name() == "redis").Map("spec").Map("template").Map("spec").List("containers").Single();
        Assert.Equal("redis-auth", SecretKeyRef(redis, "REDIS_PASSWORD"));
        var args = ((YamlSequenceNode)redis["args"]).Children.Select(a => ((YamlScalarNode)a).Value).ToList();
        Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]);

        var job = docs.Single(d => d.Kind() == "Job").Map("spec").Map("template").Map("spec");
        Assert.Contains(job.List("volumes"), v => v.Map("secret").Scalar("secretName") == "client-tls");
        var jobArgs = ((YamlSequenceNode)job.List("containers").Single()["args"]).Children.Select(a => ((YamlScalarNode)a).Value).ToList();
        string cluster = jobArgs[jobArgs.IndexOf("--cluster") + 1]!;
        // The client dials the gateway Service, not Redis, which only silos may reach.
        Assert.Equal("silo-gateway:30000", cluster);
        var gateway = docs.Single(d => d.Kind() == "Service" && d.Name() == "silo-gateway");
        Assert.Equal("30000", gateway.Map("spec").List("ports").Single().Scalar("port"));

        var referenced = docs.SelectMany(d => d.Descendants())
            .SelectMany(m => new[] { m.Map("secretKeyRef").Scalar("name"), m.Map("secret").Scalar("secretName"), m.Map("secretRef").Scalar("name") })
            .Where(n => n.Length > 0).ToHashSet();
        Assert.Equal(ExternalSecrets.Order(), referenced.Order());
        Assert.DoesNotContain(docs, d => d.Kind() == "Secret");
        // Every Secret is documented with the command that creates it.
        string doc = File.ReadAllText(RepoPaths.File("docs", "KUBERNETES.md"));
        Assert.All(ExternalSecrets, name => Assert.Contains($"create secret generic {name}", doc, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silos_spread_across_nodes(string overlay)
    {
        var silo = Kustomize.Render($"k8s/overlays/{overlay}").Single(d => d.Kind() == "Deployment" && d.Name() == "silo");
        var spread = silo.Map("spec").Map("template").Map("spec").List("topologySpreadConstraints").Single();
        Assert.Equal("kubernetes.io/hostname", spread.Scalar("topologyKey"));
        Assert.Equal("orleansconfusion-silo", spread.Map("labelSelector").Map("matchLabels").Scalar("app.kubernetes.io/name"));
        Assert.Equal("1", spread.Scalar("maxSkew"));
    }

    [Fact]
    public void The_storage_class_is_named_in_one_place_only()
    {
        var files = Directory.EnumerateFiles(RepoPaths.File("k8s"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f).Contains("storageClassName", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .ToList();
        Assert.Equal([Path.Combine("k8s", "base", "runs-pvc.yaml")], files);
    }

    static IEnumerable<(string Workload, YamlMappingNode Pod)> Pods(IReadOnlyList<YamlMappingNode> docs) =>
        docs.Where(d => d.Kind() is "Deployment" or "StatefulSet" or "DaemonSet" or "Job")
            .Select(d => (d.Name(), d.Map("spec").Map("template").Map("spec")));

    /// <summary>Port → the peers allowed to reach it, each as "key=value" (labels and expressions alike, plus "ns:" for a namespace).</summary>
    static Dictionary<string, List<string>> Rules(YamlMappingNode policy)
    {
        var rules = new Dictionary<string, List<string>>();
        foreach (var rule in policy.Map("spec").List("ingress"))
        {
            Assert.True(rule.Children.ContainsKey("from"), $"{policy.Name()}: a rule without 'from' admits every pod");
            var peers = rule.List("from").Select(Peer).ToList();
            Assert.True(rule.List("ports").Any(), $"{policy.Name()}: a rule without ports opens every port");
            foreach (var port in rule.List("ports"))
            {
                if (!rules.TryGetValue(port.Scalar("port"), out var allowed)) rules[port.Scalar("port")] = allowed = [];
                allowed.AddRange(peers);
            }
        }
        return rules;
    }

    static string Peer(YamlMappingNode peer)
    {
        var parts = new List<string>();
        if (peer.Children.ContainsKey("namespaceSelector")) parts.Add("ns:" + Selector(peer.Map("namespaceSelector")));
        Assert.True(peer.Children.ContainsKey("podSelector") || peer.Children.ContainsKey("namespaceSelector"), "a peer without selectors");
        string pods = Selector(peer.Map("podSelector"));
        Assert.True(pods.Length > 0, "a peer whose podSelector is empty admits every pod");
        parts.Add(pods);
        return string.Join(' ', parts);
    }

    /// <summary>The selector's terms, "app.kubernetes.io/part-of" left out (commonLabels adds it to every matchLabels).</summary>
    static string Selector(YamlMappingNode selector)
    {
        var terms = selector.Map("matchLabels").Labels().Where(kv => kv.Key != "app.kubernetes.io/part-of").Select(kv => $"{kv.Key}={kv.Value}").ToList();
        foreach (var expression in selector.List("matchExpressions"))
        {
            Assert.Equal("In", expression.Scalar("operator"));
            var values = ((YamlSequenceNode)expression["values"]).Children.Select(v => ((YamlScalarNode)v).Value);
            terms.Add($"{expression.Scalar("key")}={string.Join('|', values)}");
        }
        return string.Join(',', terms.Order(StringComparer.Ordinal));
    }

    static string SecretKeyRef(YamlMappingNode container, string variable) =>
        container.List("env").Single(e => e.Scalar("name") == variable).Map("valueFrom").Map("secretKeyRef").Scalar("name");
}
