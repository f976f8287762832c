using OrleansConfusion.Engine.Configuration;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Data;

/// <summary>
/// Turns a <see cref="DatasetConfig"/> into normalised train/test tensors. Subsets are applied before
/// normalisation so the statistics describe the data the network actually trains on, and the train
/// statistics are reused for test so both splits go through the same input transform.
/// </summary>
public static class DatasetLoader
{
    /// <summary>
    /// Loads both splits. The train subset uses <see cref="DatasetConfig.SubsetSeed"/>, the test subset a seed
    /// derived from it, so a sweep that fixes SubsetSeed gives every trial the same rows.
    /// </summary>
    /// <exception cref="DataFormatException">A file or directory is missing or malformed (message names it).</exception>
    /// <exception cref="ArgumentException">Unknown dataset name, or a dataset that needs a path has none.</exception>
    public static DatasetSplits Load(DatasetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        DatasetSplits splits = config.Name switch
        {
            "fashion-mnist" => LoadIdx(config, string.IsNullOrWhiteSpace(config.Path) ? DatasetConfig.FashionMnistDefaultPath : config.Path),
            "mnist" => LoadIdx(config, RequirePath(config)),
            "cifar10" => LoadCifar10(config),
            "sphere" => LoadSphere(config),
            _ => throw new ArgumentException(
                $"unknown dataset '{config.Name}'; allowed: {string.Join(", ", ConfigValidator.DatasetNames)}", nameof(config)),
        };
        var train = Cut(splits.Train, config.TrainSubset, config.SubsetSeed);
        var test = Cut(splits.Test, config.TestSubset, unchecked(config.SubsetSeed ^ 0x7E57));
        var result = new DatasetSplits(train, test);
        try
        {
            if (config.Name != "sphere") Normalise(result.Train, result.Test);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    static string RequirePath(DatasetConfig config) =>
        string.IsNullOrWhiteSpace(config.Path)
            ? throw new ArgumentException($"dataset '{config.Name}' needs DatasetConfig.Path (the directory holding its files)", nameof(config))
            : config.Path;

    static DatasetSplits LoadIdx(DatasetConfig config, string directory)
    {
        if (!Directory.Exists(directory)) throw new DataFormatException(directory, "directory not found");
        var train = ReadIdxSplit(directory, "train", config.Name);
        try { return new DatasetSplits(train, ReadIdxSplit(directory, "t10k", config.Name)); }
        catch { train.Dispose(); throw; }
    }

    static TensorDataset ReadIdxSplit(string directory, string prefix, string name)
    {
        string imagesPath = FindFile(directory, $"{prefix}-images-idx3-ubyte", $"{prefix}-images.idx3-ubyte");
        string labelsPath = FindFile(directory, $"{prefix}-labels-idx1-ubyte", $"{prefix}-labels.idx1-ubyte");
        byte[] pixels = IdxReader.ReadImageBytes(imagesPath, out int count, out int rows, out int cols);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (labels.Length != count)
            throw new DataFormatException(labelsPath, $"has {labels.Length} labels but {imagesPath} has {count} images");
        return ToDataset(pixels, [count, 1, rows, cols], labels, labelsPath, 10, name);
    }

    /// <summary>The first of the candidate names (each also tried with <c>.gz</c>) that exists in the directory.</summary>
    static string FindFile(string directory, params string[] names)
    {
        foreach (string name in names)
            foreach (string candidate in new[] { name + ".gz", name })
                if (File.Exists(Path.Combine(directory, candidate))) return Path.Combine(directory, candidate);
        string missing = Path.Combine(directory, names[0] + ".gz");
        var others = names.SelectMany(n => new[] { n, n + ".gz" }).Where(n => n != names[0] + ".gz");
        throw new DataFormatException(missing, $"file not found (also tried {string.Join(", ", others)})");
    }

    static DatasetSplits LoadCifar10(DatasetConfig config)
    {
        string directory = RequirePath(config);
        var trainFiles = Cifar10Reader.TrainFiles(directory);
        byte[] pixels = Cifar10Reader.ReadImageBytes(trainFiles, out byte[] labels);
        var shape = new long[] { labels.Length, Cifar10Reader.Channels, Cifar10Reader.Height, Cifar10Reader.Width };
        var train = ToDataset(pixels, shape, labels, trainFiles[0], Cifar10Reader.NumClasses, config.Name);
        try
        {
            string testFile = Cifar10Reader.TestFile(directory);
            pixels = Cifar10Reader.ReadImageBytes([testFile], out labels);
            shape[0] = labels.Length;
            return new DatasetSplits(train, ToDataset(pixels, shape, labels, testFile, Cifar10Reader.NumClasses, config.Name));
        }
        catch { train.Dispose(); throw; }
    }

    /// <summary>
    /// Train and test share the teacher (seeded by SubsetSeed itself) but draw their points from two other
    /// seeds derived from it, so the test set measures generalisation of the same labelling rule.
    /// </summary>
    static DatasetSplits LoadSphere(DatasetConfig c)
    {
        long trainSeed = unchecked(c.SubsetSeed * 2 + 1), testSeed = unchecked(c.SubsetSeed * 2 + 2);
        var train = UnitSphereDataset.Create(c.SphereTrainSamples, c.SphereDimension, c.SphereClasses, c.SphereLabels, trainSeed, c.SubsetSeed, c.Name);
        try { return new DatasetSplits(train, UnitSphereDataset.Create(c.SphereTestSamples, c.SphereDimension, c.SphereClasses, c.SphereLabels, testSeed, c.SubsetSeed, c.Name)); }
        catch { train.Dispose(); throw; }
    }

    /// <summary>Builds the tensors from raw bytes: a uint8 tensor converted on the native side avoids a managed float copy.</summary>
    static TensorDataset ToDataset(byte[] pixels, long[] shape, byte[] labels, string labelsPath, int numClasses, string name)
    {
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= numClasses)
                throw new DataFormatException(labelsPath, $"label {labels[i]} at index {i} is outside 0..{numClasses - 1}");
        using var scope = NewDisposeScope();
        var inputs = tensor(pixels, shape).to_type(ScalarType.Float32).div_(255f);
        var y = tensor(labels, [labels.LongLength]).to_type(ScalarType.Int64);
        return new TensorDataset(inputs, y, numClasses, name);
    }

    /// <summary>Replaces <paramref name="data"/> by a seeded subset (freeing the original) when one is asked for.</summary>
    static TensorDataset Cut(TensorDataset data, int count, long seed)
    {
        if (count <= 0 || count >= data.Count) return data;
        using (data) return data.Subset(count, seed);
    }

    /// <summary>Per-channel standardisation with population statistics of the train split, in place.</summary>
    static void Normalise(TensorDataset train, TensorDataset test)
    {
        using var scope = NewDisposeScope();
        long[] dims = [0, 2, 3];
        var mean = train.Inputs.mean(dims, keepdim: true, type: ScalarType.Float64).to_type(ScalarType.Float32);
        var std = train.Inputs.std(dims, unbiased: false, keepdim: true).clamp_min(1e-6);
        train.Inputs.sub_(mean).div_(std);
        test.Inputs.sub_(mean).div_(std);
    }
}
