namespace OrleansConfusion.Tests;

/// <summary>
/// A fresh folder under the system temp folder, removed with everything in it on dispose. One source
/// file, compiled into every test project (tests/Directory.Build.props).
/// </summary>
public sealed class TempDirectory(string prefix = "oc-test-") : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string name, string text)
    {
        string file = Combine(name);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        // A process a test just killed may still hold a file; the OS temp cleaner gets it then.
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
