using System.Text.Json.Nodes;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>The shipped dashboard queries only metrics a silo really exports (DCGM's are external).</summary>
[Collection(MonitoredSweepCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class GrafanaDashboardTests(MonitoredSweepFixture sweep)
{
    static readonly string DashboardPath = RepoPaths.File("k8s", "grafana", "dashboards", "orleansconfusion.json");

    [Fact]
    public void Every_PromQL_expression_uses_exported_metric_names()
    {
        var expressions = Expressions(JsonNode.Parse(File.ReadAllText(DashboardPath))!).ToList();
        Assert.True(expressions.Count >= 10, $"only {expressions.Count} expressions found");

        var unknown = expressions
            .SelectMany(e => PromQl.MetricNames(e).Select(name => (name, e)))
            .Where(x => !x.name.StartsWith("DCGM_", StringComparison.Ordinal) && !sweep.ScrapedNames.Contains(x.name))
            .Select(x => $"{x.name} in {x.e}")
            .ToList();

        Assert.True(unknown.Count == 0,
            "Not exported by the silo:\n" + string.Join('\n', unknown) + "\nExported: " + string.Join(' ', sweep.ScrapedNames.Order()));
    }

    [Fact]
    public void Dashboard_has_the_documented_panels()
    {
        var titles = JsonNode.Parse(File.ReadAllText(DashboardPath))!["panels"]!.AsArray()
            .Select(p => p!["title"]!.GetValue<string>()).ToList();
        foreach (var expected in new[] { "Trials by state", "Throughput", "Min pairwise cosine by width", "Min pairwise cosine by depth", "η (confusion bound)",
                     "Measurement cost (p50, p95)", "Activations per silo", "Grain request latency (p50, p99)", "GPU utilisation" })
        {
            Assert.Contains(expected, titles);
        }
    }

    /// <summary>
    /// The dashboard names no data source of its own: a "datasource" variable of type prometheus, and every
    /// panel, target and query variable uses it, so the JSON imports into a Grafana whose Prometheus has any uid.
    /// </summary>
    [Fact]
    public void Every_query_uses_the_datasource_variable()
    {
        var dashboard = JsonNode.Parse(File.ReadAllText(DashboardPath))!;
        var variables = dashboard["templating"]!["list"]!.AsArray().Select(v => v!).ToList();
        var datasource = Assert.Single(variables, v => v["type"]!.GetValue<string>() == "datasource");
        Assert.Equal("datasource", datasource["name"]!.GetValue<string>());
        Assert.Equal("prometheus", datasource["query"]!.GetValue<string>());

        var references = DatasourceReferences(dashboard).ToList();
        Assert.True(references.Count >= 20, $"only {references.Count} datasource references found");
        var pinned = references.Where(r => r.Uid != "${datasource}" || r.Type != "prometheus").Select(r => $"{r.Path}: {r.Type}/{r.Uid}").ToList();
        Assert.True(pinned.Count == 0, "Not the ${datasource} variable:\n" + string.Join('\n', pinned));

        // Every panel with queries has a data source, on the panel or on each target.
        foreach (var panel in dashboard["panels"]!.AsArray().Select(p => p!).Where(p => p["targets"] is JsonArray { Count: > 0 }))
            Assert.True(panel["datasource"] is not null || panel["targets"]!.AsArray().All(t => t!["datasource"] is not null),
                $"panel '{panel["title"]}' has no datasource");
    }

    /// <summary>Every "datasource" object below <paramref name="node"/> (panels, targets, variables), with its JSON path.</summary>
    static IEnumerable<(string Path, string? Type, string? Uid)> DatasourceReferences(JsonNode node, string path = "$")
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (value is null) continue;
                    if (key == "datasource" && value is JsonObject ds)
                        yield return ($"{path}.{key}", ds["type"]?.GetValue<string>(), ds["uid"]?.GetValue<string>());
                    else if (key == "datasource" && value is JsonValue)
                        yield return ($"{path}.{key}", null, value.GetValue<string>());
                    else foreach (var r in DatasourceReferences(value, $"{path}.{key}")) yield return r;
                }

                break;
            case JsonArray array:
                for (int i = 0; i < array.Count; i++)
                    if (array[i] is { } item)
                        foreach (var r in DatasourceReferences(item, $"{path}[{i}]")) yield return r;
                break;
        }
    }

    /// <summary>Panel targets' expr, and label_values(metric, label) template queries (their metric).</summary>
    static IEnumerable<string> Expressions(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (value is null) continue;
                    if (key == "expr") yield return value.GetValue<string>();
                    else if (key == "definition" && value.GetValue<string>() is var d && d.StartsWith("label_values(", StringComparison.Ordinal))
                        yield return d["label_values(".Length..d.IndexOf(',')];
                    else foreach (var e in Expressions(value)) yield return e;
                }

                break;
            case JsonArray array:
                foreach (var item in array.OfType<JsonNode>())
                foreach (var e in Expressions(item)) yield return e;
                break;
        }
    }
}
