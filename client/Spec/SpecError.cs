namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// One problem in a sweep spec. Line and column are 1-based (YamlDotNet's marks); 0 means the problem
/// has no single place in the file (an unreadable file, an engine rule over several fields).
/// </summary>
public sealed record SpecError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        Line > 0 ? $"{File}:{Line}:{Column}: {Field}: {Message}"
        : Field.Length > 0 ? $"{File}: {Field}: {Message}"
        : $"{File}: {Message}";
}
