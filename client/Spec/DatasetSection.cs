using OrleansConfusion.Grains.Abstractions;
using YamlDotNet.RepresentationModel;

namespace OrleansConfusion.Cli.Spec;

/// <summary>
/// The dataset: block. Missing files are found here, before any work starts, rather than by the first
/// trial to load them, so a typo in a path costs seconds instead of a failed sweep.
/// </summary>
internal static class DatasetSection
{
    public static DatasetSpec Read(SpecReader r, YamlNode? node, string specDirectory)
    {
        var spec = new DatasetSpec();
        if (node is null) return spec;
        var f = r.Fields(node, "dataset", "name", "path", "train_subset", "test_subset", "subset_seed", "sphere");
        if (f is null) return spec;

        bool nameOk = true;
        if (f.TryGetValue("name", out var n))
        {
            if (r.Choice(n, "dataset.name", SpecVocabulary.Datasets) is { } name) spec = spec with { Name = name };
            else nameOk = false;
        }
        if (f.TryGetValue("path", out var p) && r.String(p, "dataset.path") is { } path)
            spec = spec with { Path = Path.GetFullPath(Path.Combine(specDirectory, path)) };
        // Subsets and their seed may be axes too: a data replicate is another subset_seed.
        if (f.TryGetValue("train_subset", out var tr) && r.AxisOrScalar(tr, "dataset", "train_subset", (x, p) => r.Int(x, p, 0), v => v) is { } train)
            spec = spec with { TrainSubset = train };
        if (f.TryGetValue("test_subset", out var te) && r.AxisOrScalar(te, "dataset", "test_subset", (x, p) => r.Int(x, p, 0), v => v) is { } test)
            spec = spec with { TestSubset = test };
        if (f.TryGetValue("subset_seed", out var ss) && r.AxisOrScalar(ss, "dataset", "subset_seed", (x, p) => r.Long(x, p), v => v) is { } seed)
            spec = spec with { SubsetSeed = seed };
        if (f.TryGetValue("sphere", out var s))
        {
            if (spec.Name != "sphere" && nameOk)
                r.Error(s, "dataset.sphere", $"only used with dataset name 'sphere', not '{spec.Name}'");
            else
                spec = ReadSphere(r, s, spec);
        }
        if (nameOk) CheckFiles(r, spec, f.GetValueOrDefault("path") ?? n ?? node);
        return spec;
    }

    static DatasetSpec ReadSphere(SpecReader r, YamlNode node, DatasetSpec spec)
    {
        var f = r.Fields(node, "dataset.sphere", "dimension", "train_samples", "test_samples", "classes", "labels");
        if (f is null) return spec;
        if (f.TryGetValue("dimension", out var d) && r.Int(d, "dataset.sphere.dimension", 2) is { } dim) spec = spec with { SphereDimension = dim };
        if (f.TryGetValue("train_samples", out var tr) && r.Int(tr, "dataset.sphere.train_samples", 1) is { } train) spec = spec with { SphereTrainSamples = train };
        if (f.TryGetValue("test_samples", out var te) && r.Int(te, "dataset.sphere.test_samples", 1) is { } test) spec = spec with { SphereTestSamples = test };
        if (f.TryGetValue("classes", out var c) && r.Int(c, "dataset.sphere.classes", 2) is { } classes) spec = spec with { SphereClasses = classes };
        if (f.TryGetValue("labels", out var l) && r.Choice(l, "dataset.sphere.labels", SpecVocabulary.SphereLabels) is { } labels) spec = spec with { SphereLabels = labels };
        return spec;
    }

    static void CheckFiles(SpecReader r, DatasetSpec spec, YamlNode at)
    {
        if (spec.Name == "sphere") return;
        string? dir = spec.Path ?? (spec.Name == "fashion-mnist" ? SpecVocabulary.FashionMnistDefaultPath : null);
        if (dir is null)
        {
            r.Error(at, "dataset.path", $"dataset {spec.Name} needs a path to its files (nothing is downloaded)");
            return;
        }
        if (!Directory.Exists(dir))
        {
            string hint = spec.Name == "fashion-mnist" ? " (Debian: apt-get install dataset-fashion-mnist puts it in " + SpecVocabulary.FashionMnistDefaultPath + ")" : "";
            r.Error(at, "dataset.path", $"directory not found: {dir}{hint}");
            return;
        }
        var missing = spec.Name == "cifar10" ? MissingCifar(dir) : MissingIdx(dir);
        if (missing.Count > 0)
            r.Error(at, "dataset.path", $"{spec.Name} files missing in {dir}: {string.Join(", ", missing)}");
    }

    static List<string> MissingIdx(string dir)
    {
        string[] files = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
        // The engine also accepts the dotted spelling (train-images.idx3-ubyte), each optionally gzipped.
        return [.. files.Where(name =>
        {
            string dotted = name.Replace("-idx", ".idx", StringComparison.Ordinal);
            return !new[] { name, name + ".gz", dotted, dotted + ".gz" }.Any(c => File.Exists(Path.Combine(dir, c)));
        })];
    }

    static List<string> MissingCifar(string dir)
    {
        string nested = Path.Combine(dir, "cifar-10-batches-bin");
        if (!File.Exists(Path.Combine(dir, "test_batch.bin")) && Directory.Exists(nested)) dir = nested;
        string[] files = [.. Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin"), "test_batch.bin"];
        return [.. files.Where(name => !File.Exists(Path.Combine(dir, name)))];
    }
}
