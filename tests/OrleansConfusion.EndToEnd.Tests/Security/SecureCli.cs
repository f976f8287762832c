using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests.Security;

/// <summary>
/// Runs the built CLI to completion, like <see cref="CliRunner"/>, but with extra environment variables
/// (the CLI's CONFUSION_TLS_* and CONFUSION_REDIS_PASSWORD). No wall time: a fresh process's start and JIT on a loaded
/// machine say nothing about the CLI; the timeout given is a bound for a hang (the run fails when it is reached).
/// </summary>
public static class SecureCli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var process = new ManagedProcess("confusion " + string.Join(' ', args), "dotnet", [RepoPaths.CliDll, .. args], env);
        var exitCode = await process.WaitForExitAsync(timeout);
        // Let the asynchronous output readers drain.
        await Task.Delay(100);
        return (exitCode, process.Tail(200));
    }
}
