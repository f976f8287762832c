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
