using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Where a sweep's output lives under <c>&lt;out&gt;/&lt;sweep&gt;/</c>, and how its files are named:
/// <list type="bullet">
/// <item><c>metrics/</c>, <c>trials/</c>, <c>logs/</c>: the Parquet dataset, <c>part-gGGGGGG-NNNNNN.parquet</c> each.
/// One glob per folder reads everything sealed so far; a part appears whole (written under a hidden temporary name,
/// then renamed).</item>
/// <item><c>record/</c>: the write-ahead record: <c>metrics-gGGGGGG-NNNNNN.jsonl</c> (and trials, logs) hold the rows
/// of part NNNNNN of generation GGGGGG until it is sealed, then go; <c>starts-gGGGGGG.jsonl</c> the starts of training.</item>
/// <item><c>spec.json</c>: the spec as submitted.</item>
/// </list>
/// </summary>
public static partial class DatasetLayout
{
    public const string Metrics = "metrics";
    public const string Trials = "trials";
    public const string Logs = "logs";
    public const string RecordFolder = "record";
    public const string Starts = "starts";

    public static readonly string[] Kinds = [Metrics, Trials, Logs];

    public static string PartName(int generation, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"part-g{generation:D6}-{sequence:D6}.parquet");

    /// <summary>A part being written: hidden (a leading dot) and not *.parquet, so no glob and no Spark reader sees it.</summary>
    public static string TempName(string part) => $".{part}.tmp-{Guid.NewGuid():N}";

    public static string SegmentName(string kind, int generation, int sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}-g{generation:D6}-{sequence:D6}.jsonl");

    public static string StartsName(int generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{Starts}-g{generation:D6}.jsonl");

    /// <summary>The sealed parts of <paramref name="kind"/> in <paramref name="sweepDirectory"/>, oldest first.</summary>
    public static List<NumberedFile> Parts(string sweepDirectory, string kind) =>
        Numbered(Path.Combine(sweepDirectory, kind), PartPattern());

    /// <summary>The record segments of <paramref name="kind"/>, oldest first.</summary>
    public static List<NumberedFile> Segments(string sweepDirectory, string kind) =>
        [.. Numbered(Path.Combine(sweepDirectory, RecordFolder), SegmentPattern()).Where(f => f.Kind == kind)];

    /// <summary>The start records, oldest generation first.</summary>
    public static List<NumberedFile> StartFiles(string sweepDirectory) =>
        [.. Numbered(Path.Combine(sweepDirectory, RecordFolder), StartsPattern())];

    static List<NumberedFile> Numbered(string folder, Regex pattern)
    {
        if (!Directory.Exists(folder)) return [];
        return [.. Directory.EnumerateFiles(folder)
            .Select(path => (Path: path, Match: pattern.Match(Path.GetFileName(path))))
            .Where(f => f.Match.Success)
            .Select(f => new NumberedFile(f.Path, f.Match.Groups["kind"].Success ? f.Match.Groups["kind"].Value : "",
                int.Parse(f.Match.Groups["g"].Value, CultureInfo.InvariantCulture),
                f.Match.Groups["n"].Success ? int.Parse(f.Match.Groups["n"].Value, CultureInfo.InvariantCulture) : 0))
            .OrderBy(f => f.Generation).ThenBy(f => f.Sequence)];
    }

    [GeneratedRegex(@"^part-g(?<g>\d{6,9})-(?<n>\d{6,9})\.parquet$")]
    private static partial Regex PartPattern();

    [GeneratedRegex(@"^(?<kind>metrics|trials|logs)-g(?<g>\d{6,9})-(?<n>\d{6,9})\.jsonl$")]
    private static partial Regex SegmentPattern();

    [GeneratedRegex(@"^starts-g(?<g>\d{6,9})\.jsonl$")]
    private static partial Regex StartsPattern();
}
