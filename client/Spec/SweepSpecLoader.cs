using System.Text.RegularExpressions;
using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// Reads a sweep spec (YAML, snake_case keys; reference in examples/README.md) into a <see cref="SweepSpec"/>.
/// It walks the node tree rather than deserialising so that every error keeps its line and column, and
/// it collects all of them before handing the spec to the planner for the engine's own rules.
/// Relative dataset paths are resolved against the spec file's directory.
/// </summary>
public sealed partial class SweepSpecLoader(ISpecPlanner planner)
{
    public SpecLoadResult Load(string path)
    {
        string file = path;
        if (Directory.Exists(path))
            return Fail(new SpecError(file, 0, 0, "", DirectoryMessage(path)));
        if (!File.Exists(path))
            return Fail(new SpecError(file, 0, 0, "", "spec file not found"));

        YamlNode root;
        using var text = File.OpenText(path);
        var parser = new TrackingParser(new Parser(text));
        try
        {
            var stream = new YamlStream();
            stream.Load(parser);
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
                return Fail(new SpecError(file, 0, 0, "", "the spec is empty"));
            root = stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            // YamlDotNet's message repeats the position in its own format; ours leads with file:line:col.
            string message = e.InnerException?.Message ?? e.Message;
            return Fail(new SpecError(file, (int)e.Start.Line, (int)e.Start.Column, "yaml", $"malformed YAML: {StripMark(message)}"));
        }
        catch (InvalidOperationException)
        {
            var at = parser.LastGood;
            return Fail(new SpecError(file, (int)at.Line, (int)at.Column, "yaml", "malformed YAML after this point (an unclosed [ or { ?)"));
        }

        var reader = new SpecReader(file);
        var specDirectory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var spec = Read(reader, root, Path.GetFileNameWithoutExtension(path), specDirectory);
        if (reader.Errors.Count > 0 || spec is null)
            return new SpecLoadResult(null, reader.Errors, [], 0);

        var plan = planner.Plan(spec);
        var errors = plan.Errors.Select(e => Place(file, reader, e)).ToList();
        if (errors.Count == 0 && plan.Trials == 0)
            errors.Add(new SpecError(file, 0, 0, "grid", plan.Rejected.Count > 0
                ? $"every combination was rejected ({plan.Rejected.Count}); nothing to run"
                : "the grid expands to no trials"));
        return errors.Count > 0
            ? new SpecLoadResult(null, errors, plan.Rejected, 0)
            : new SpecLoadResult(spec, [], plan.Rejected, plan.Trials);
    }

    static SpecLoadResult Fail(SpecError error) => new(null, [error], [], 0);

    /// <summary>A planner error that starts with a field the reader saw ("training.lr: ...") gets that field's line and column.</summary>
    static SpecError Place(string file, SpecReader reader, string error)
    {
        int colon = error.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0 && reader.Positions.TryGetValue(error[..colon], out var node))
            return new SpecError(file, (int)node.Start.Line, (int)node.Start.Column, error[..colon], error[(colon + 2)..]);
        return new SpecError(file, 0, 0, "", error);
    }

    /// <summary>`run examples`: say it is a folder, and name the specs in it, so the fix is one word away.</summary>
    static string DirectoryMessage(string path)
    {
        const int Shown = 5;
        var specs = Directory.EnumerateFiles(path, "*.yaml").Concat(Directory.EnumerateFiles(path, "*.yml"))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        string message = "is a directory, not a spec file";
        if (specs.Count == 0) return message + " (it holds no .yaml or .yml file)";
        string listed = string.Join(", ", specs.Take(Shown)) + (specs.Count > Shown ? $" and {specs.Count - Shown} more" : "");
        return $"{message}; give one of the specs in it, e.g. {Path.Combine(path, specs[0]!)} (it holds {listed})";
    }

    static string StripMark(string message) => MarkPattern().Replace(message, "").Trim();

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):")]
    private static partial Regex MarkPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex SweepName();

    static SweepSpec? Read(SpecReader r, YamlNode root, string defaultName, string specDirectory)
    {
        var f = r.Fields(root, "", "name", "dataset", "grid", "seeds", "training", "measurement", "max_concurrent_trials", "output_dir", "fuse_seeds",
            "samples", "sample_seed", "report");
        if (f is null) return null;
        var spec = new SweepSpec { Name = defaultName };

        if (f.TryGetValue("name", out var n) && r.String(n, "name") is { } name)
        {
            if (SweepName().IsMatch(name)) spec = spec with { Name = name };
            else r.Error(n, "name", $"'{name}' must be lower-case letters, digits, '-' or '_' (at most 64), starting with a letter or digit: it names the output folder");
        }
        else if (!f.ContainsKey("name") && !SweepName().IsMatch(defaultName))
            r.Error(root, "name", $"no name given and the file name '{defaultName}' is not a valid sweep name; add name: my-sweep");

        if (f.TryGetValue("dataset", out var d)) spec = spec with { Dataset = DatasetSection.Read(r, d, specDirectory) };
        else spec = spec with { Dataset = DatasetSection.Read(r, null, specDirectory) };
        if (f.TryGetValue("grid", out var g)) spec = spec with { Grid = GridSection.Read(r, g) };
        else r.Error(root, "grid", "missing: a sweep needs a grid (at least grid.width)");
        if (f.TryGetValue("seeds", out var s) && SeedsSection.Read(r, s) is { } seeds) spec = spec with { Seeds = seeds };
        if (f.TryGetValue("training", out var t)) spec = spec with { Training = TrainingSection.Read(r, t) };
        if (f.TryGetValue("measurement", out var m)) spec = spec with { Measurement = MeasurementSection.Read(r, m) };
        if (f.TryGetValue("max_concurrent_trials", out var c) && r.Int(c, "max_concurrent_trials", 0) is { } concurrent)
            spec = spec with { MaxConcurrentTrials = concurrent };
        if (f.TryGetValue("output_dir", out var o) && r.String(o, "output_dir") is { } output)
            spec = spec with { OutputDirectory = output };
        if (f.TryGetValue("fuse_seeds", out var fuse) && r.Bool(fuse, "fuse_seeds") is { } fuseSeeds)
            spec = spec with { FuseSeeds = fuseSeeds };
        if (f.TryGetValue("samples", out var n2))
        {
            r.Mark("samples", n2);
            if (r.Int(n2, "samples", 1) is { } samples) spec = spec with { Samples = samples };
        }
        else r.Mark("samples", root);
        if (f.TryGetValue("sample_seed", out var ss) && r.Long(ss, "sample_seed") is { } sampleSeed) spec = spec with { SampleSeed = sampleSeed };
        if (f.TryGetValue("report", out var rep)) spec = spec with { Report = ReportSection.Read(r, rep) };
        return spec with { Axes = [.. r.Axes] };
    }
}
