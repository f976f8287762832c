using System.Text.RegularExpressions;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>No Docker engine here: check what the Dockerfiles take from the build context instead.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Dockerfiles => new() { "silo.Dockerfile", "client.Dockerfile" };

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Every_copied_path_exists_in_the_repository(string dockerfile)
    {
        var copies = Instructions(dockerfile)
            .Where(i => i.StartsWith("COPY ", StringComparison.Ordinal) && !i.Contains("--from=", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(copies);

        foreach (var copy in copies)
        {
            var words = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            foreach (var source in words[..^1])
            {
                var path = RepoPaths.File(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"{dockerfile}: '{copy}' copies {source}, which does not exist");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Published_project_exists_and_the_context_skips_build_output(string dockerfile)
    {
        var publish = Assert.Single(Instructions(dockerfile), i => i.Contains("dotnet publish", StringComparison.Ordinal));
        var project = ProjectPath().Match(publish).Value;
        Assert.True(File.Exists(RepoPaths.File(project)), $"{dockerfile} publishes {project}, which does not exist");

        // The legacy builder reads only the context root's .dockerignore (not <Dockerfile>.dockerignore).
        var ignore = File.ReadAllLines(RepoPaths.File(".dockerignore"));
        Assert.Contains("artifacts/", ignore);
        Assert.False(File.Exists(RepoPaths.File("k8s", "docker", dockerfile + ".dockerignore")), "a per-Dockerfile .dockerignore would be ignored by the legacy builder; keep one at the root");
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Images_are_chosen_by_arguments_and_no_stage_names_a_cuda_image(string dockerfile)
    {
        var lines = Instructions(dockerfile).ToList();
        // The legacy builder builds (and pulls) every stage, so a CUDA stage would make every CPU build pull it.
        Assert.DoesNotContain(lines, l => l.StartsWith("FROM nvidia/", StringComparison.Ordinal));
        Assert.Contains("ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0-noble", lines);
        Assert.Contains("ARG RUNTIME_IMAGE=ubuntu:24.04", lines);
        Assert.Contains("FROM ${SDK_IMAGE} AS build", lines);
        Assert.Contains("FROM ${RUNTIME_IMAGE}", lines);
        Assert.Contains(lines, l => l.StartsWith("ARG RUNTIME_PACKAGES=\"ca-certificates libgomp1 libssl3t64 zlib1g\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Gpu_build_is_documented_with_the_cuda_backend_and_a_cuda_ubuntu_runtime()
    {
        var text = File.ReadAllText(RepoPaths.File("k8s", "docker", "silo.Dockerfile"));
        Assert.Contains("-p:TorchBackend=${TORCH_BACKEND}", text);
        Assert.Matches(@"--build-arg TORCH_BACKEND=cuda --build-arg RUNTIME_IMAGE=nvidia/cuda:12\.8\.\d+-runtime-ubuntu24\.04", text);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_restore_layer_copies_only_what_decides_the_package_graph(string dockerfile)
    {
        var lines = Instructions(dockerfile).ToList();
        var restore = lines.FindIndex(l => l.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{dockerfile} has no separate dotnet restore step");
        var copied = lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToList();
        Assert.NotEmpty(copied);
        foreach (var source in copied)
            Assert.True(source.EndsWith(".csproj", StringComparison.Ordinal) || source.EndsWith(".props", StringComparison.Ordinal)
                || source.EndsWith(".targets", StringComparison.Ordinal) || source == "global.json" || source == "build/",
                $"{dockerfile} copies {source} before the restore: a code change there would download every package again");
        var publish = Assert.Single(lines, l => l.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains("--no-restore", publish);
    }

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void The_restore_layer_copies_every_project_the_published_one_references(string dockerfile)
    {
        var lines = Instructions(dockerfile).ToList();
        var restore = lines.FindIndex(l => l.Contains("dotnet restore", StringComparison.Ordinal));
        var copied = lines.Take(restore).Where(l => l.StartsWith("COPY ", StringComparison.Ordinal))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .Where(p => p.EndsWith(".csproj", StringComparison.Ordinal)).Select(p => Path.GetFullPath(RepoPaths.File(p))).ToHashSet();
        string root = ProjectPath().Match(lines[restore]).Value;

        // The published project and every ProjectReference below it, conditional ones included (a build argument may
        // turn them on): a project missing from the layer has no assets file, and the publish fails (NETSDK1004).
        var needed = new HashSet<string>();
        var pending = new Stack<string>([RepoPaths.File(root)]);
        while (pending.TryPop(out var project))
        {
            if (!needed.Add(Path.GetFullPath(project))) continue;
            foreach (var reference in System.Xml.Linq.XDocument.Load(project).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value)));
        }
        var missing = needed.Where(p => !copied.Contains(p)).Select(p => Path.GetRelativePath(RepoPaths.Root, p)).Order().ToList();
        Assert.True(missing.Count == 0, $"{dockerfile}: the restore layer lacks {string.Join(", ", missing)}");
    }

    /// <summary>Instructions with line continuations joined and comments dropped.</summary>
    static IEnumerable<string> Instructions(string dockerfile) =>
        File.ReadAllText(RepoPaths.File("k8s", "docker", dockerfile))
            .Replace("\\\n", " ")
            .Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'));

    [GeneratedRegex(@"[\w./-]+\.csproj")]
    private static partial Regex ProjectPath();
}
