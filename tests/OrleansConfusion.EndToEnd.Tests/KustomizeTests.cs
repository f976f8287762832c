using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>Structural checks on `kubectl kustomize` of each overlay (no cluster needed).</summary>
[Trait("Category", "EndToEnd")]
public sealed class KustomizeTests
{
    public static TheoryData<string> Overlays => new() { "cpu", "gpu" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Silo_pods_have_probes_orleans_labels_and_environment(string overlay)
    {
        var silo = Silo(Kustomize.Render($"k8s/overlays/{overlay}"));
        var pod = silo.Map("spec").Map("template");
        var labels = pod.Map("metadata").Map("labels").Labels();
        Assert.Contains("orleans/serviceId", labels.Keys);
        Assert.Contains("orleans/clusterId", labels.Keys);

        var container = Assert.Single(pod.Map("spec").List("containers"));
        var ports = container.List("ports").ToDictionary(p => p.Scalar("name"), p => p.Scalar("containerPort"));
        Assert.Equal("11111", ports["silo"]);
        Assert.Equal("30000", ports["gateway"]);
        foreach (var (probe, path) in new[] { ("startupProbe", "/health/ready"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
        {
            var get = container.Map(probe).Map("httpGet");
            Assert.True(get.Scalar("path") == path, $"{probe} path '{get.Scalar("path")}'");
            Assert.Contains(get.Scalar("port"), ports.Keys);
        }

        var env = container.List("env").Select(e => e.Scalar("name")).ToHashSet();
        foreach (var name in new[] { "POD_NAME", "POD_NAMESPACE", "POD_IP", "ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID" }) Assert.Contains(name, env);

        Assert.False(string.IsNullOrEmpty(pod.Map("spec").Scalar("serviceAccountName")));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Grace_period_outlasts_the_silo_shutdown_timeout(string overlay)
    {
        var docs = Kustomize.Render($"k8s/overlays/{overlay}");
        var silo = Silo(docs);
        var podSpec = silo.Map("spec").Map("template").Map("spec");
        var configName = podSpec.List("containers").Single().List("envFrom").Single().Map("configMapRef").Scalar("name");
        var config = docs.Single(d => d.Kind() == "ConfigMap" && d.Name() == configName).Map("data");

        var shutdown = TimeSpan.Parse(config.Scalar("Silo__ShutdownTimeout"));
        var grace = int.Parse(podSpec.Scalar("terminationGracePeriodSeconds"));
        Assert.True(grace > shutdown.TotalSeconds + 10, $"grace {grace}s vs shutdown {shutdown}");
        Assert.Equal("Redis", config.Scalar("Silo__Clustering"));
    }

    /// <summary>Every container of every workload, per overlay: the GPU overlay once kept the CPU silo image.</summary>
    public static TheoryData<string, string> OverlayImages => new()
    {
        {
            "cpu", """
                Deployment/grafana grafana=grafana/grafana:11.6.0
                Deployment/prometheus prometheus=prom/prometheus:v2.55.1
                Deployment/redis redis=redis:7.4.2-alpine
                Deployment/silo silo=ghcr.io/example/orleansconfusion-silo:0.1.0-cpu
                Job/submit-sweep confusion=ghcr.io/example/orleansconfusion-client:0.1.0
                """
        },
        {
            "gpu", """
                Deployment/grafana grafana=grafana/grafana:11.6.0
                Deployment/prometheus prometheus=prom/prometheus:v2.55.1
                Deployment/redis redis=redis:7.4.2-alpine
                Deployment/silo silo=ghcr.io/example/orleansconfusion-silo:0.1.0-cuda
                Job/submit-sweep confusion=ghcr.io/example/orleansconfusion-client:0.1.0
                """
        },
    };

    [Theory]
    [MemberData(nameof(OverlayImages))]
    public void Every_container_runs_the_overlays_image(string overlay, string expected)
    {
        var actual = Kustomize.Render($"k8s/overlays/{overlay}")
            .Where(d => d.Kind() is "Deployment" or "StatefulSet" or "DaemonSet" or "Job")
            .SelectMany(d =>
            {
                var spec = d.Map("spec").Map("template").Map("spec");
                return spec.List("initContainers").Concat(spec.List("containers"))
                    .Select(c => $"{d.Kind()}/{d.Name()} {c.Scalar("name")}={c.Scalar("image")}");
            })
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(expected.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), actual);
    }

    [Fact]
    public void Only_the_gpu_overlay_asks_for_gpus()
    {
        var cpu = Kustomize.Render("k8s/overlays/cpu");
        Assert.DoesNotContain(cpu.SelectMany(d => d.Descendants()), m => m.Children.Keys.OfType<YamlScalarNode>().Any(k => k.Value == "nvidia.com/gpu"));

        var gpuPod = Silo(Kustomize.Render("k8s/overlays/gpu")).Map("spec").Map("template").Map("spec");
        var limits = gpuPod.List("containers").Single().Map("resources").Map("limits");
        Assert.Equal("1", limits.Scalar("nvidia.com/gpu"));
        Assert.NotEmpty(gpuPod.Map("nodeSelector").Children);
        Assert.Contains(gpuPod.List("tolerations"), t => t.Scalar("key") == "nvidia.com/gpu");
        var env = gpuPod.List("containers").Single().List("env").ToDictionary(e => e.Scalar("name"), e => e.Scalar("value"));
        Assert.Equal("1", env["OrleansConfusion__Scheduling__GpuSlots"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Selectors_match_pod_labels(string overlay)
    {
        var docs = Kustomize.Render($"k8s/overlays/{overlay}");
        var podLabels = docs
            .Where(d => d.Kind() is "Deployment" or "StatefulSet" or "Job")
            .Select(d => (d.Name(), d.Map("spec").Map("template").Map("metadata").Map("labels").Labels()))
            .ToList();

        foreach (var workload in docs.Where(d => d.Kind() is "Deployment" or "StatefulSet"))
        {
            var selector = workload.Map("spec").Map("selector").Map("matchLabels").Labels();
            Assert.True(Matches(selector, podLabels.Single(p => p.Item1 == workload.Name()).Item2), $"{workload.Name()} selector");
        }

        foreach (var doc in docs)
        {
            var selector = doc.Kind() switch
            {
                "Service" => doc.Map("spec").Map("selector").Labels(),
                "PodDisruptionBudget" => doc.Map("spec").Map("selector").Map("matchLabels").Labels(),
                "NetworkPolicy" => doc.Map("spec").Map("podSelector").Map("matchLabels").Labels(),
                _ => null,
            };
            if (selector is null) continue;
            Assert.True(selector.Count > 0 && podLabels.Any(p => Matches(selector, p.Item2)), $"{doc.Kind()} {doc.Name()} selects no pods");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_referenced_object_is_defined(string overlay)
    {
        var docs = Kustomize.Render($"k8s/overlays/{overlay}");
        var defined = docs.Select(d => (d.Kind(), d.Name())).ToHashSet();
        var missing = new List<string>();
        void Need(string kind, string name)
        {
            // The Secrets for certificates and the Redis password are created by the operator, never rendered.
            if (kind == "Secret" && Security.KustomizeSecurityTests.ExternalSecrets.Contains(name)) return;
            if (name.Length > 0 && !defined.Contains((kind, name))) missing.Add($"{kind}/{name}");
        }

        foreach (var doc in docs)
        {
            foreach (var m in doc.Descendants())
            {
                Need("ConfigMap", m.Map("configMapRef").Scalar("name"));
                Need("ConfigMap", m.Map("configMapKeyRef").Scalar("name"));
                Need("ConfigMap", m.Map("configMap").Scalar("name"));
                Need("Secret", m.Map("secretRef").Scalar("name"));
                Need("Secret", m.Map("secretKeyRef").Scalar("name"));
                Need("Secret", m.Map("secret").Scalar("secretName"));
                Need("PersistentVolumeClaim", m.Map("persistentVolumeClaim").Scalar("claimName"));
                Need("ServiceAccount", m.Scalar("serviceAccountName"));
            }

            if (doc.Kind() is "RoleBinding" or "ClusterRoleBinding")
            {
                Need(doc.Map("roleRef").Scalar("kind"), doc.Map("roleRef").Scalar("name"));
                foreach (var subject in doc.List("subjects")) Need(subject.Scalar("kind"), subject.Scalar("name"));
            }
        }

        Assert.True(missing.Count == 0, "Referenced but not defined: " + string.Join(", ", missing));
        var pvc = docs.Single(d => d.Kind() == "PersistentVolumeClaim");
        Assert.Contains("ReadWriteMany", pvc.Map("spec")["accessModes"].AllNodes.OfType<YamlScalarNode>().Select(s => s.Value));
    }

    [Fact]
    public void Silo_role_grants_what_kubernetes_hosting_needs()
    {
        var docs = Kustomize.Render("k8s/overlays/cpu");
        var role = docs.Single(d => d.Kind() == "Role");
        var rule = Assert.Single(role.List("rules"));
        var verbs = rule["verbs"].AllNodes.OfType<YamlScalarNode>().Select(v => v.Value).ToHashSet();
        Assert.Superset(verbs, new HashSet<string?> { "get", "watch", "list", "delete", "patch" });
        // The silo NetworkPolicy is checked, port by port, in Security/KustomizeSecurityTests.
    }

    [Fact]
    public void Sweep_configmap_is_examples_quick_yaml()
    {
        var example = RepoPaths.File("examples", "quick.yaml");
        Assert.True(File.Exists(example), "examples/quick.yaml is missing");
        Assert.True(File.ReadAllText(example) == File.ReadAllText(RepoPaths.File("k8s", "base", "sweep", "quick.yaml")),
            "k8s/base/sweep/quick.yaml differs from examples/quick.yaml: cp examples/quick.yaml k8s/base/sweep/quick.yaml");
    }

    static YamlMappingNode Silo(IReadOnlyList<YamlMappingNode> docs) => docs.Single(d => d.Kind() == "Deployment" && d.Name() == "silo");

    static bool Matches(Dictionary<string, string> selector, Dictionary<string, string> labels) =>
        selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
