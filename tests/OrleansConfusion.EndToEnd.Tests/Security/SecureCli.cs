using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Runs the built CLI to completion, like <see cref="CliRunner"/>, but with extra environment variables
/// (the CLI's CONFUSION_TLS_* and CONFUSION_REDIS_PASSWORD) and its wall time measured.
/// </summary>
public static class SecureCli
{
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = new ManagedProcess("confusion " + string.Join(' ', args), "dotnet", [RepoPaths.CliDll, .. args], env);
        var exitCode = await process.WaitForExitAsync(timeout);
        var elapsed = clock.Elapsed;
        // Let the asynchronous output readers drain.
        await Task.Delay(100);
        return (exitCode, process.Tail(200), elapsed);
    }
}
