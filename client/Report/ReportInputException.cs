namespace OrleansConfusion.Cli.Report;

/// <summary>
/// The input to <c>confusion report</c> is unusable: a missing folder or file, a file of another schema,
/// an empty sweep. The message always starts with the offending path. Maps to exit code 2.
/// </summary>
public sealed class ReportInputException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The file or folder the problem is about.</summary>
    public string Path { get; } = path;
}
