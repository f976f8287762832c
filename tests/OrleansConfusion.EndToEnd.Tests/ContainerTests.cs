using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// Runs scripts/image-test.sh once (a private dockerd, both images built from the real Dockerfiles on a
/// debootstrap base, a sweep on two silo containers) and checks what it did. Needs root, docker.io, debootstrap.
/// </summary>
public sealed class ImageTestRun : IDisposable
{
    public ImageTestRun()
    {
        Output = new TempDirectory("oc-e2e-images-");
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo("bash", [RepoPaths.File("scripts", "image-test.sh")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        start.Environment["IMAGE_TEST_OUT"] = Output.Path;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // Debootstrap, an SDK image, three Release publishes and a sweep: ~6 min on 2 busy cores.
        if (!process.WaitForExit(TimeSpan.FromMinutes(25)))
        {
            // SIGTERM: the script's trap stops its daemon and containers.
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            process.WaitForExit(TimeSpan.FromMinutes(2));
        }

        ExitCode = process.HasExited ? process.ExitCode : -1;
        Log = stdout.Result + "\n--- stderr ---\n" + stderr.Result;
        Elapsed = clock.Elapsed;
    }

    public TempDirectory Output { get; }
    public int ExitCode { get; }
    public string Log { get; }
    public TimeSpan Elapsed { get; }

    public string Logs(string name) => Path.Combine(Output.Path, "logs", name);

    public void Dispose() => Output.Dispose();
}

[Trait("Category", "Containers")]
public sealed partial class ContainerTests(ImageTestRun run) : IClassFixture<ImageTestRun>
{
    [Fact]
    public void Images_build_offline_from_the_dockerfiles_and_a_code_change_reuses_the_restore_layer()
    {
        // The build phases only: the sweep that follows is the next test's.
        Assert.True(run.Log.Contains("timing rebuild-silo", StringComparison.Ordinal), $"image-test.sh did not get through the image builds (exit {run.ExitCode} after {run.Elapsed}):\n{run.Log}");
        Assert.Contains("restore layer: cached", run.Log);
        // The root .dockerignore keeps artifacts/ (hundreds of MB of libtorch) out of the context.
        var context = ContextSize().Match(run.Log);
        Assert.True(context.Success, "no 'Sending build context' line:\n" + run.Log);
        var size = double.Parse(context.Groups[1].Value, CultureInfo.InvariantCulture) * (context.Groups[2].Value switch { "kB" => 1e-3, "MB" => 1, "GB" => 1e3, _ => 1e-6 });
        Assert.True(size < 50, $"build context was {context.Value}: is .dockerignore missing something?");
        foreach (var image in new[] { "silo", "client" })
            Assert.Matches($@"(?m)^image {image} \d+$", run.Log);
        // No stage of a CPU build named a CUDA image (nothing could be pulled here, so any would have failed the build).
        Assert.DoesNotContain("nvidia/cuda", File.ReadAllText(run.Logs("build-silo.log")));
    }

    [Fact]
    public void A_sweep_on_two_silo_containers_completes_with_every_row_once()
    {
        Assert.True(run.ExitCode == 0, $"image-test.sh exited {run.ExitCode}:\n{run.Log}");
        var dir = Path.Combine(run.Output.Path, "runs", "quick");
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        // examples/quick.yaml: 3 widths x 2 seeds, measured before training and at each of 3 epochs.
        var trials = DatasetFiles.Glob(dir, DatasetLayout.Trials);
        var metrics = DatasetFiles.Glob(dir, DatasetLayout.Metrics);
        Assert.Equal(6, SweepOutputChecks.Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        Assert.Equal(6, SweepOutputChecks.Scalar(db, $"SELECT count(DISTINCT trial_id) FROM read_parquet('{trials}')"));
        var rows = SweepOutputChecks.Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')");
        Assert.Equal(rows, SweepOutputChecks.Scalar(db, $"SELECT count(*) FROM (SELECT DISTINCT trial_id, step FROM read_parquet('{metrics}'))"));
        Assert.Equal(6 * 4, rows);
        // Both silo containers trained: they formed one cluster through Redis.
        foreach (var silo in new[] { "silo0", "silo1" })
        {
            var log = File.ReadAllText(run.Logs(silo + ".log"));
            Assert.True(log.Contains("starts training", StringComparison.Ordinal), $"{silo} trained nothing:\n{log}");
        }
        Assert.Contains("trials:  /data/runs/quick/trials/*.parquet (6 rows)", run.Log);
    }

    [Fact]
    public void The_script_stops_and_removes_everything_it_started()
    {
        var work = WorkDirectory().Match(run.Log);
        Assert.True(work.Success, "no work directory line:\n" + run.Log);
        var path = work.Groups[1].Value.Trim();
        Assert.False(Directory.Exists(path), $"{path} is still there");
        Assert.Contains("image-test: cleaned up", run.Log);
        // No process still names the private daemon's directory (dockerd, containerd, shims, containers).
        var left = Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(p => p.All(char.IsAsciiDigit))
            .Select(pid => { try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' '); } catch (IOException) { return ""; } catch (UnauthorizedAccessException) { return ""; } })
            .Where(cmd => cmd.Contains(path, StringComparison.Ordinal)).ToList();
        Assert.True(left.Count == 0, "still running: " + string.Join('\n', left));
        Assert.DoesNotContain(File.ReadAllLines("/proc/mounts"), l => l.Contains(path, StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Sending build context to Docker daemon\s+([\d.]+)\s*([kMG]?B)")]
    private static partial Regex ContextSize();

    [GeneratedRegex(@"image-test: work directory (\S+)")]
    private static partial Regex WorkDirectory();
}
