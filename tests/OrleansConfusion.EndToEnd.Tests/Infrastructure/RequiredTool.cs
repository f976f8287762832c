namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>Finds an external program on PATH, or fails the test saying how to install it (never skips).</summary>
public static class RequiredTool
{
    /// <param name="name">The program's file name.</param>
    /// <param name="aptPackage">The Debian package that ships it, where its name differs (kubectl: kubernetes-client).</param>
    public static string Find(string name, string? aptPackage = null)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }

        var package = aptPackage ?? name;
        Assert.Fail($"'{name}' is not on PATH. Install Debian's '{package}' (apt-get install {package}), or run scripts/test.sh, which installs everything in .ci/apt-packages.txt.");
        return "";
    }
}
