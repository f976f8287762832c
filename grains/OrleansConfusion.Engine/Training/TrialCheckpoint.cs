using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// What a run needs to continue after a completed epoch: the model's state dict (parameters and
/// batch-norm buffers) plus counters, in one safetensors file. Beside the newest sits the newest one
/// whose measurements the caller already held (<see cref="PreviousPath"/>), so a caller that never
/// received the newest checkpoint's last rows resumes from there instead of from scratch. SGD momentum
/// buffers are not saved, so a resumed run with momentum &gt; 0 restarts them from zero (the paper uses none).
/// </summary>
internal sealed record TrialCheckpoint(
    int CompletedEpochs,
    long Step,
    double WallSeconds,
    long LastMeasuredStep,
    double BestLoss,
    double BestAccuracy,
    long? StepsToTargetLoss)
{
    /// <summary><c>trial.safetensors</c> → <c>trial.previous.safetensors</c>: still a safetensors file to other tools.</summary>
    public static string PreviousPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + ".previous" + Path.GetExtension(path));

    /// <summary>
    /// Writes this checkpoint at <paramref name="path"/>. The one it replaces becomes the previous
    /// checkpoint when it is safe, i.e. the caller holds its rows (<paramref name="deliveredThroughStep"/>,
    /// null: always); otherwise it is dropped and the previous, safe one stays.
    /// </summary>
    public void Save(string path, nn.Module model, Func<long>? deliveredThroughStep = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "orleansconfusion-trial-checkpoint-v1",
            ["completed_epochs"] = CompletedEpochs.ToString(CultureInfo.InvariantCulture),
            ["step"] = Step.ToString(CultureInfo.InvariantCulture),
            ["wall_seconds"] = WallSeconds.ToString("R", CultureInfo.InvariantCulture),
            ["last_measured_step"] = LastMeasuredStep.ToString(CultureInfo.InvariantCulture),
            ["best_loss"] = BestLoss.ToString("R", CultureInfo.InvariantCulture),
            ["best_accuracy"] = BestAccuracy.ToString("R", CultureInfo.InvariantCulture),
            ["steps_to_target_loss"] = StepsToTargetLoss?.ToString(CultureInfo.InvariantCulture) ?? "",
        };
        // A crash between the move and the save leaves only the previous file, which TryLoad also reads.
        if (File.Exists(path) && (deliveredThroughStep is null || LastMeasuredStepOf(path) <= deliveredThroughStep()))
            File.Move(path, PreviousPath(path), overwrite: true);
        SafeTensorsFile.Save(path, model.state_dict(), metadata);
    }

    /// <summary>
    /// Loads the most advanced of the checkpoint and its predecessor whose last measurement is at or
    /// before <paramref name="resumeThroughStep"/> into <paramref name="model"/> and returns its
    /// counters; null when neither exists or qualifies (the run starts over).
    /// </summary>
    public static TrialCheckpoint? TryLoad(string path, nn.Module model, long? resumeThroughStep = null)
    {
        // Headers first, so only the chosen file's tensors are read.
        var chosen = new[] { path, PreviousPath(path) }
            .Where(File.Exists)
            .Select(candidate => (Path: candidate, Counters: Parse(candidate, SafeTensorsFile.ReadMetadata(candidate))))
            .Where(c => c.Counters.LastMeasuredStep <= (resumeThroughStep ?? long.MaxValue))
            .OrderByDescending(c => c.Counters.Step)
            .FirstOrDefault();
        if (chosen.Path is null) return null;

        var (tensors, _) = SafeTensorsFile.Load(chosen.Path);
        try
        {
            var state = model.state_dict();
            using (no_grad())
            {
                foreach (var (name, target) in state)
                {
                    if (!tensors.TryGetValue(name, out var saved))
                        throw new InvalidDataException($"{chosen.Path}: checkpoint lacks tensor {name}; it belongs to another model");
                    target.copy_(saved);
                }
            }
            return chosen.Counters;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    static long LastMeasuredStepOf(string path) => Parse(path, SafeTensorsFile.ReadMetadata(path)).LastMeasuredStep;

    static TrialCheckpoint Parse(string path, Dictionary<string, string> meta)
    {
        string Get(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{path}: checkpoint metadata lacks '{key}'");
        static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
        return new TrialCheckpoint(
            int.Parse(Get("completed_epochs"), CultureInfo.InvariantCulture),
            L(Get("step")),
            D(Get("wall_seconds")),
            L(Get("last_measured_step")),
            D(Get("best_loss")),
            D(Get("best_accuracy")),
            Get("steps_to_target_loss") is { Length: > 0 } s ? L(s) : null);
    }
}
