using OrleansConfusion.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Tests.Training;

/// <summary>Which checkpoints are kept, and which one a resume picks, when the caller lags behind the rows.</summary>
public sealed class TrialCheckpointTests : IDisposable
{
    readonly TempDirectory _dir = new("oc-ckpt-rotation");

    string Path => _dir.Combine("trial.safetensors");

    /// <summary>A checkpoint after <paramref name="step"/> steps that measured at that step; the weights hold the step too.</summary>
    void Save(long step, long delivered)
    {
        using var model = nn.Linear(2, 1);
        using (no_grad()) model.weight.fill_(step);
        new TrialCheckpoint((int)(step / 8), step, step, step, 1, 0.5, null).Save(Path, model, () => delivered);
    }

    (long? Step, double Weight) Resume(long resumeThrough)
    {
        using var model = nn.Linear(2, 1);
        var loaded = TrialCheckpoint.TryLoad(Path, model, resumeThrough);
        return (loaded?.Step, model.weight[0, 0].ToDouble());
    }

    [Fact]
    public void The_newest_checkpoint_whose_rows_were_delivered_is_kept_until_a_newer_one_is()
    {
        Save(0, delivered: 0);
        Save(8, delivered: 0);   // step 0 was delivered: it becomes the previous checkpoint
        Save(16, delivered: 0);  // step 8 was not: it is dropped, step 0 stays
        Save(24, delivered: 0);
        Assert.Equal((0L, 0.0), Resume(resumeThrough: 0));
        Assert.Equal((24L, 24.0), Resume(resumeThrough: 24));
        Assert.Equal((0L, 0.0), Resume(resumeThrough: 23));

        Save(32, delivered: 24); // the caller caught up: step 24 becomes the previous checkpoint
        Assert.Equal((24L, 24.0), Resume(resumeThrough: 24));
        Assert.Null(Resume(resumeThrough: -1).Step); // nothing delivered: start over
    }

    [Fact]
    public void Metadata_reads_without_the_tensors()
    {
        Save(40, delivered: 0);
        var meta = SafeTensorsFile.ReadMetadata(Path);
        Assert.Equal("40", meta["last_measured_step"]);
        Assert.Equal("orleansconfusion-trial-checkpoint-v1", meta["format"]);
    }

    [Fact]
    public void A_file_shorter_than_the_header_length_is_named_as_not_safetensors()
    {
        string file = _dir.Write("short.safetensors", "abc");
        var e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.ReadMetadata(file));
        Assert.Contains("short.safetensors: not a safetensors file", e.Message);
        e = Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Load(file));
        Assert.Contains("short.safetensors: not a safetensors file", e.Message);
    }

    public void Dispose() => _dir.Dispose();
}
