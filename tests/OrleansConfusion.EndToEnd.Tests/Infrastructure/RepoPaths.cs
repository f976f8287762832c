namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>The repository root (where OrleansConfusion.sln is) and the built executables under artifacts/.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The artifacts pivot these tests were built in (<c>debug</c>, <c>release</c>): the name of their own
    /// output folder. The silo and CLI are project references, so `dotnet test -c Release` builds them into
    /// the same pivot; taking it from here means a Release run never starts stale Debug binaries.
    /// </summary>
    public static string Pivot { get; } = new DirectoryInfo(AppContext.BaseDirectory).Name;

    public static string SiloDll => Built("OrleansConfusion.Silo", "OrleansConfusion.Silo.dll");

    public static string CliDll => Built("OrleansConfusion.Cli", "confusion.dll");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, "artifacts", "bin", project, Pivot, dll);
        Assert.True(System.IO.File.Exists(path), $"{path} is missing: build the solution in the same configuration as the tests ({Pivot}).");
        return path;
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException($"No OrleansConfusion.sln above {AppContext.BaseDirectory}.");
    }
}
