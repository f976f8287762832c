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

        var ignore = File.ReadAllLines(RepoPaths.File("k8s", "docker", dockerfile + ".dockerignore"));
        Assert.Contains("artifacts/", ignore);
    }

    [Fact]
    public void Gpu_build_selects_the_cuda_backend_on_a_cuda_ubuntu_image()
    {
        var text = string.Join('\n', Instructions("silo.Dockerfile"));
        Assert.Contains("-p:TorchBackend=${TORCH_BACKEND}", text);
        Assert.Matches(@"FROM nvidia/cuda:12\.8\.\d+-runtime-ubuntu24\.04 AS runtime-cuda", text);
        Assert.Contains("FROM ubuntu:24.04 AS runtime-cpu", text);
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
