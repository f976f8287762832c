namespace OrleansConfusion.EndToEnd.Tests.Infrastructure;

/// <summary>The repository root (where OrleansConfusion.sln is) and the built executables under artifacts/.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string SiloDll => Built("OrleansConfusion.Silo", "OrleansConfusion.Silo.dll");

    public static string CliDll => Built("OrleansConfusion.Cli", "confusion.dll");

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    static string Built(string project, string dll)
    {
        var path = Path.Combine(Root, "artifacts", "bin", project, "debug", dll);
        Assert.True(System.IO.File.Exists(path), $"{path} is missing: build the solution first (dotnet build).");
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
