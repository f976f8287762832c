using Spectre.Console;
using System.Text.Json;
using OrleansConfusion.Cli.Spec;

namespace OrleansConfusion.Cli.Commands;

/// <summary>Prints a spec's errors and rejected combinations the same way for run and submit.</summary>
internal static class SpecErrorReport
{
    public static void PrintRejected(CliOutput output, SpecLoadResult result)
    {
        if (result.Rejected.Count == 0) return;
        output.Warn($"{result.Rejected.Count} grid combination(s) rejected by the engine and skipped:");
        foreach (string r in result.Rejected) output.Error.MarkupLine($"  [yellow]-[/] {r.EscapeMarkup()}");
    }

    /// <summary>Prints everything wrong with the spec and returns <see cref="ExitCodes.BadInput"/>.</summary>
    public static int Fail(CliOutput output, SpecLoadResult result, bool json)
    {
        if (json)
            output.Out.WriteLine(JsonSerializer.Serialize(new SpecErrorsJson(result.Errors, result.Rejected), CliJsonContext.Default.SpecErrorsJson));
        PrintRejected(output, result);
        output.Error.MarkupLine($"[red]error:[/] the spec has {result.Errors.Count} problem(s); nothing was started or written:");
        foreach (var e in result.Errors) output.Error.MarkupLine($"  {e.ToString().EscapeMarkup()}");
        return ExitCodes.BadInput;
    }
}
