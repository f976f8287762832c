using System.Collections.Concurrent;
using System.Diagnostics;

namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>A child process whose output is kept for failure messages and which is killed on dispose.</summary>
public sealed class ManagedProcess : IDisposable
{
    readonly Process _process;
    readonly ConcurrentQueue<string> _output = new();
    long _lines;
    // Each stream's reader reports a null line at end of stream; a caller that wants the whole output
    // waits for both instead of sleeping and hoping the readers caught up.
    readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ManagedProcess(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null)
    {
        Name = name;
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) start.Environment[key] = value;

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Keep(e.Data, _stdoutClosed);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data, _stderrClosed);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines of output, for assertion messages.</summary>
    public string Tail(int lines = 60) => $"--- {Name} ---\n" + string.Join('\n', _output.TakeLast(lines));

    public string Output => string.Join('\n', _output);

    /// <summary>Lines received so far (the kept output drops its oldest lines past 20,000; this count does not).</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>The lines received after <see cref="Lines"/> was <paramref name="mark"/> (as many of them as are still kept).</summary>
    public string OutputSince(long mark)
    {
        var kept = _output.ToArray();
        long wanted = Math.Min(kept.Length, Lines - mark);
        return string.Join('\n', kept.Skip(kept.Length - (int)Math.Max(0, wanted)));
    }

    /// <summary>Waits for the process to exit and for its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{Name} did not exit within {timeout}.\n{Tail()}");
        }

        return _process.ExitCode;
    }

    /// <summary>SIGINT, as Ctrl-C in a terminal would send (.NET's Process has no signal API but Kill).</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit(10_000);
    }

    /// <summary>SIGKILL, as a crash would: no shutdown hooks run.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    void Keep(string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        _output.Enqueue(line);
        Interlocked.Increment(ref _lines);
        while (_output.Count > 20_000) _output.TryDequeue(out _);
    }
}
