namespace OrleansConfusion.Engine.Data;

/// <summary>
/// A dataset file is missing, truncated or not what its name says. The message always starts with the
/// file path, so a failed trial's log tells the operator which file on which silo to fix.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string path, string problem)
        : base($"{path}: {problem}") => Path = path;

    public DataFormatException(string path, string problem, Exception inner)
        : base($"{path}: {problem}", inner) => Path = path;

    /// <summary>The file or directory at fault.</summary>
    public string Path { get; }
}
