using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// Remembers where the last event ended. YamlDotNet's scanner sometimes fails with a bare
/// InvalidOperationException (an unclosed flow sequence followed by more lines), which carries no
/// position; the last good mark then says where the YAML stopped making sense.
/// </summary>
internal sealed class TrackingParser(IParser inner) : IParser
{
    public Mark LastGood { get; private set; } = Mark.Empty;

    public ParsingEvent? Current => inner.Current;

    public bool MoveNext()
    {
        if (inner.Current is { } current) LastGood = current.End;
        return inner.MoveNext();
    }
}
