namespace OrleansConfusion.Cli.Report;

/// <summary>One cell of a <see cref="Selection"/>: the other axes' values, the value kept (null: no candidate), and every candidate.</summary>
internal sealed record SelectionCell(string Cell, string? Kept, IReadOnlyList<SelectionCandidate> Candidates);
