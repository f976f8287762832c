using OrleansConfusion.Cli.Spec;

namespace OrleansConfusion.Cli.Commands;

/// <summary>--json form of a rejected spec, so scripts can show errors without parsing text.</summary>
public sealed record SpecErrorsJson(IReadOnlyList<SpecError> Errors, IReadOnlyList<string> Rejected);
