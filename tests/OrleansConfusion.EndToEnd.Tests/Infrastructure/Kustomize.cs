using System.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Renders a kustomization with the kubectl on PATH and parses the documents. CI has Debian 12's
/// (package kubernetes-client: kubectl 1.20, kustomize v2.0.3), so k8s/ keeps to kustomize v2 fields;
/// newer kubectl renders the same objects and only warns about them on stderr.
/// </summary>
public static class Kustomize
{
    public static IReadOnlyList<YamlMappingNode> Render(string relativeDirectory)
    {
        var start = new ProcessStartInfo(RequiredTool.Find("kubectl", aptPackage: "kubernetes-client"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "kustomize", RepoPaths.File(relativeDirectory) },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {relativeDirectory} failed:\n{stderr}");

        var stream = new YamlStream();
        stream.Load(new StringReader(stdout.Result));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    public static string Kind(this YamlMappingNode doc) => doc.Scalar("kind");

    public static string Name(this YamlMappingNode doc) => doc.Map("metadata").Scalar("name");

    public static YamlMappingNode Map(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) ? (YamlMappingNode)child : new YamlMappingNode();

    public static IEnumerable<YamlMappingNode> List(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) ? ((YamlSequenceNode)child).Children.Cast<YamlMappingNode>() : [];

    public static string Scalar(this YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var child) ? ((YamlScalarNode)child).Value ?? "" : "";

    public static Dictionary<string, string> Labels(this YamlMappingNode node) =>
        node.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => ((YamlScalarNode)kv.Value).Value ?? "");

    /// <summary>Every mapping below <paramref name="node"/>, for finding references wherever they sit.</summary>
    public static IEnumerable<YamlMappingNode> Descendants(this YamlNode node) => node switch
    {
        YamlMappingNode map => new[] { map }.Concat(map.Children.Values.SelectMany(Descendants)),
        YamlSequenceNode seq => seq.Children.SelectMany(Descendants),
        _ => [],
    };
}
