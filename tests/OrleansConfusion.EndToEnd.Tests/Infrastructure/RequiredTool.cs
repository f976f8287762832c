namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Finds an external program on PATH, or fails the test saying how to install it (never skips).</summary>
public static class RequiredTool
{
    public static string Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }

        Assert.Fail($"'{name}' is not on PATH. Install the packages in .ci/apt-packages.txt (apt-get install $(cat .ci/apt-packages.txt)).");
        return "";
    }
}
