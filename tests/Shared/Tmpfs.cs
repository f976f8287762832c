using System.Diagnostics;

namespace OrleansConfusion.Tests;

/// <summary>
/// A small tmpfs mounted on a fresh folder (needs root, as CI has), unmounted on dispose: a disk that a test can fill.
/// One source file, compiled into every test project (tests/Directory.Build.props).
/// </summary>
public sealed class Tmpfs : IDisposable
{
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (mount's spelling: 1m, 16m) on <paramref name="folder"/>, created if needed.</summary>
    public Tmpfs(string folder, string size)
    {
        Directory.CreateDirectory(folder);
        Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", folder);
        Path = folder;
    }

    /// <summary>Writes <paramref name="file"/> until the file system refuses (ENOSPC); returns the bytes written.</summary>
    public static long Fill(string file)
    {
        var chunk = new byte[1 << 16];
        long written = 0;
        using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                stream.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            return written;
        }
    }

    public void Dispose() => Run("umount", "-l", Path);

    static void Run(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {error} (this test needs root, as CI has)");
    }
}
