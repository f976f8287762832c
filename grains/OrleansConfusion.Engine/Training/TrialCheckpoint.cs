using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Training;

/// <summary>
/// What a run needs to continue after its last completed epoch: the model's state dict (parameters
/// and batch-norm buffers) plus counters, in one safetensors file. SGD momentum buffers are not
/// saved, so a resumed run with momentum &gt; 0 restarts them from zero (the paper uses none).
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
    public void Save(string path, nn.Module model)
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
        SafeTensorsFile.Save(path, model.state_dict(), metadata);
    }

    /// <summary>Loads the checkpoint into <paramref name="model"/> and returns its counters, or null if there is none.</summary>
    public static TrialCheckpoint? TryLoad(string path, nn.Module model)
    {
        if (!File.Exists(path)) return null;
        var (tensors, meta) = SafeTensorsFile.Load(path);
        try
        {
            var state = model.state_dict();
            using (no_grad())
            {
                foreach (var (name, target) in state)
                {
                    if (!tensors.TryGetValue(name, out var saved))
                        throw new InvalidDataException($"{path}: checkpoint lacks tensor {name}; it belongs to another model");
                    target.copy_(saved);
                }
            }
            static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
            return new TrialCheckpoint(
                int.Parse(meta["completed_epochs"], CultureInfo.InvariantCulture),
                long.Parse(meta["step"], CultureInfo.InvariantCulture),
                D(meta["wall_seconds"]),
                long.Parse(meta["last_measured_step"], CultureInfo.InvariantCulture),
                D(meta["best_loss"]),
                D(meta["best_accuracy"]),
                meta["steps_to_target_loss"] is { Length: > 0 } s ? long.Parse(s, CultureInfo.InvariantCulture) : null);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
