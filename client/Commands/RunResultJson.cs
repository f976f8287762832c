using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Cli.Commands;

/// <summary>`run --json` and `submit --json`: what was submitted, how it ended, and the results when there are any.</summary>
public sealed record RunResultJson(SweepSubmission Submission, SweepStatus? Status, SweepResultsJson? Results, IReadOnlyList<string> Rejected);
