namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the built CLI (dotnet confusion.dll) to completion.</summary>
public static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        using var process = new ManagedProcess("confusion " + string.Join(' ', args), "dotnet", [RepoPaths.CliDll, .. args]);
        var exitCode = await process.WaitForExitAsync(timeout);
        return (exitCode, process.Tail(200));
    }

    /// <summary>Runs the CLI and fails the test, with its output, unless it exits 0.</summary>
    public static async Task<string> RunOkAsync(TimeSpan timeout, params string[] args)
    {
        var (exitCode, output) = await RunAsync(timeout, args);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{output}");
        return output;
    }
}
