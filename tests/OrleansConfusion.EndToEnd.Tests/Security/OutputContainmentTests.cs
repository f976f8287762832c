using OrleansConfusion.EndToEnd.Tests.Infrastructure;
using OrleansConfusion.Tests;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>One silo process whose output base is a folder of its own, with a sibling folder outside it.</summary>
public sealed class ContainedSiloFixture : IAsyncLifetime
{
    public TempDirectory Dir { get; } = new("oc-sec-out-");
    public string Base => Dir.Combine("base");
    public string Outside => Dir.Combine("outside");
    public SiloProcess Silo { get; private set; } = null!;
    public string Cluster => $"localhost:{Silo.GatewayPort}";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Base);
        Directory.CreateDirectory(Outside);
        Silo = await SiloProcess.StartLocalhostAsync(Dir.Path, new Dictionary<string, string>
        {
            ["OrleansConfusion__Output__BaseDirectory"] = Base,
            ["OrleansConfusion__Scheduling__CheckpointDirectory"] = Path.Combine(Base, "checkpoints"),
        });
    }

    public Task DisposeAsync()
    {
        Silo?.Dispose();
        Dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>
/// Issue 12: a submitted spec may not make the silo write outside its OrleansConfusion:Output:BaseDirectory,
/// whether by an absolute path, by "..", or through a symbolic link. Each is refused at submit with exit 2.
/// </summary>
[Trait("Category", "Security")]
public sealed class OutputContainmentTests(ContainedSiloFixture fixture) : IClassFixture<ContainedSiloFixture>
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task An_absolute_out_outside_the_base_is_refused_with_exit_2_and_nothing_is_created()
    {
        string spec = SweepSpecs.Write(fixture.Dir.Path, "sec-abs", [8]);
        var (code, output) = await SecureCli.RunAsync(Timeout, null, "submit", spec, "--cluster", fixture.Cluster, "--out", fixture.Outside);
        AssertRefused(code, output, "--out", "absolute path outside the base");
    }

    [Fact]
    public async Task An_output_dir_that_escapes_the_base_is_refused_with_exit_2_and_nothing_is_created()
    {
        string spec = SweepSpecs.Write(fixture.Dir.Path, "sec-escape", [8]);
        File.AppendAllText(spec, "\noutput_dir: ../outside\n");
        var (code, output) = await SecureCli.RunAsync(Timeout, null, "submit", spec, "--cluster", fixture.Cluster);
        AssertRefused(code, output, "sec-escape.yaml", "escapes the base");
    }

    [Fact]
    public async Task A_symlink_out_of_the_base_is_refused_with_exit_2_and_nothing_is_created()
    {
        string link = Path.Combine(fixture.Base, "linked");
        if (!Path.Exists(link)) Directory.CreateSymbolicLink(link, fixture.Outside);
        string spec = SweepSpecs.Write(fixture.Dir.Path, "sec-link", [8]);
        var (code, output) = await SecureCli.RunAsync(Timeout, null, "submit", spec, "--cluster", fixture.Cluster, "--out", "linked");
        AssertRefused(code, output, "--out", "symbolic link");
    }

    [Fact]
    public async Task A_relative_out_lands_under_the_silos_base_not_the_clients_directory()
    {
        string spec = SweepSpecs.Write(fixture.Dir.Path, "sec-inside", [8]);
        var (code, output) = await SecureCli.RunAsync(Timeout, null, "submit", spec, "--cluster", fixture.Cluster, "--out", "runs", "--json");
        Assert.True(code == 0, $"exit {code}\n{output}\n{fixture.Silo.Process.Tail(30)}");
        string expected = Path.Combine(fixture.Base, "runs", "sec-inside");
        using var json = System.Text.Json.JsonDocument.Parse(output[output.IndexOf('{')..]);
        Assert.Equal(expected, json.RootElement.GetProperty("output_directory").GetString());
        // The folder appears with the first journal line, once the trial reports.
        for (var i = 0; i < 240 && !Directory.Exists(expected); i++) await Task.Delay(250);
        Assert.True(Directory.Exists(expected), $"{expected} was not created within 60 s\n{output}");
        // The CLI runs in the repository root; nothing may appear there.
        Assert.False(Directory.Exists(Path.Combine(RepoPaths.Root, "runs", "sec-inside")));
        await SecureCli.RunAsync(Timeout, null, "cancel", "sec-inside", "--cluster", fixture.Cluster);
    }

    void AssertRefused(int code, string output, string source, string why)
    {
        Assert.True(code == 2, $"expected exit 2, got {code}\n{output}\n{fixture.Silo.Process.Tail(30)}");
        Assert.Contains(source + ":", output, StringComparison.Ordinal);
        Assert.Contains("output_dir", output, StringComparison.Ordinal);
        Assert.Contains(why, output, StringComparison.Ordinal);
        Assert.Contains($"'{fixture.Base}'", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(fixture.Outside));
    }
}
