using OrleansConfusion.Engine.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Confusion;

/// <summary>
/// Writes the mean-loss gradients of given mini-batches as rows of a float32 matrix, for the all-pairs paper
/// protocol. Models whose every parameter sits in an <see cref="IBatchGradientLayer"/> (MLPs, with or without batch
/// norm and skips) get <see cref="Recorded"/>: many batches in one forward and backward pass. Others (convolutions)
/// get <see cref="PassPerBatch"/>. Either writes the columns in its own fixed order, which the Gram does not see.
/// The model must be in eval mode.
/// </summary>
internal abstract class MiniBatchGradients
{
    /// <summary>Writes the gradients of draws[first .. first + count) into <paramref name="rows"/> (count × P).</summary>
    public abstract void Write(int first, int count, Tensor rows);

    /// <summary>The fastest writer <paramref name="model"/> allows: recorded when its layers can, else one pass per batch.</summary>
    public static MiniBatchGradients For(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, IReadOnlyList<long[]> draws,
        long activationBudgetBytes)
    {
        var layers = ModelFactory.GramLayers(model);
        var batchLayers = layers.OfType<IBatchGradientLayer>().ToList();
        bool covered = batchLayers.Count == layers.Count
            && batchLayers.Sum(l => l.BatchGradientParameters.Sum(p => p.numel())) == ModelFactory.ParameterCount(model);
        bool equalBatches = draws.All(d => d.Length == draws[0].Length);
        return covered && equalBatches && activationBudgetBytes > 0
            ? new Recorded(model, batchLayers, inputs, labels, draws, activationBudgetBytes)
            : new PassPerBatch(model, inputs, labels, draws);
    }

    /// <summary>One forward and backward pass per batch, the gradients of the parameters in registration order.</summary>
    internal sealed class PassPerBatch(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels, IReadOnlyList<long[]> draws) : MiniBatchGradients
    {
        private readonly IList<Tensor> _parameters = model.parameters().Cast<Tensor>().ToList();

        public override void Write(int first, int count, Tensor rows)
        {
            for (int r = 0; r < count; r++)
            {
                using var scope = NewDisposeScope();
                var index = tensor(draws[first + r], device: inputs.device);
                var loss = nn.functional.cross_entropy(model.call(inputs.index_select(0, index)), labels.index_select(0, index));
                // Written straight into the row, parameter by parameter: concatenating first would allocate and copy
                // P floats more per batch, a third of a pass here.
                long offset = 0;
                foreach (var g in autograd.grad([loss], _parameters))
                {
                    long n = g.numel();
                    rows[r].narrow(0, offset, n).copy_(g.view(-1));
                    offset += n;
                }
            }
        }
    }

    /// <summary>
    /// Many batches per pass: their samples go through the model together (summed loss), the layers record their
    /// inputs and outputs, one backward pass gives every output gradient, and each layer writes each batch's
    /// gradient from its run of samples (<see cref="IBatchGradientLayer"/>). Exact in eval mode, where no layer
    /// couples samples. The forward and input-gradient matmuls then run at G·B rows instead of B, which is what
    /// brings the protocol under its one-pass-per-batch floor. A pass holds about <c>activationBudgetBytes</c>.
    /// </summary>
    internal sealed class Recorded : MiniBatchGradients
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly IReadOnlyList<IBatchGradientLayer> _layers;
        private readonly Tensor _inputs, _labels;
        private readonly IReadOnlyList<long[]> _draws;
        private readonly int _batchSize;
        private readonly int _maxBatchesPerPass;
        private readonly (long Offset, long Count)[][] _columns;

        public Recorded(nn.Module<Tensor, Tensor> model, IReadOnlyList<IBatchGradientLayer> layers, Tensor inputs, Tensor labels,
            IReadOnlyList<long[]> draws, long activationBudgetBytes)
        {
            _model = model;
            _layers = layers;
            _inputs = inputs;
            _labels = labels;
            _draws = draws;
            _batchSize = draws[0].Length;
            long offset = 0;
            _columns = layers.Select(l => l.BatchGradientParameters.Select(p =>
            {
                var column = (offset, p.numel());
                offset += p.numel();
                return column;
            }).ToArray()).ToArray();
            _maxBatchesPerPass = (int)Math.Clamp(activationBudgetBytes / Math.Max(1, BytesPerSample() * _batchSize), 1, int.MaxValue);
        }

        /// <summary>
        /// Activation bytes one sample costs a recorded pass, from a one-sample forward: its input and every layer's
        /// output, times 4 for the other tensors the graph and the backward pass keep per layer (activation, norm, sum,
        /// gradients), in float32.
        /// </summary>
        private long BytesPerSample()
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            try
            {
                foreach (var layer in _layers) layer.Recording = true;
                _model.call(_inputs.narrow(0, 0, 1));
                long floats = _inputs.numel() / Math.Max(1, _inputs.shape[0]) + _layers.Sum(l => l.RecordedOutput?.numel() ?? 0);
                return 4 * floats * sizeof(float);
            }
            finally
            {
                PerSampleGram.EndRecording(_layers);
            }
        }

        public override void Write(int first, int count, Tensor rows)
        {
            // Equal passes: 200 batches at 71 a pass go as 67, 67, 66 rather than 71, 71, 58.
            int passes = (count + _maxBatchesPerPass - 1) / _maxBatchesPerPass;
            int perPass = (count + passes - 1) / passes;
            for (int start = 0; start < count; start += perPass)
            {
                int n = Math.Min(perPass, count - start);
                using var scope = NewDisposeScope();
                var index = new long[n * _batchSize];
                for (int k = 0; k < n; k++) Array.Copy(_draws[first + start + k], 0, index, k * _batchSize, _batchSize);
                var selected = tensor(index, device: _inputs.device);
                try
                {
                    var gradients = PerSampleGram.OutputGradients(_model, _layers, _inputs.index_select(0, selected), _labels.index_select(0, selected));
                    var block = rows.narrow(0, start, n);
                    using var noGrad = no_grad();
                    for (int l = 0; l < _layers.Count; l++)
                        _layers[l].WriteBatchGradients(gradients[l], n, 1.0 / _batchSize,
                            _columns[l].Select(c => block.narrow(1, c.Offset, c.Count)).ToList());
                }
                finally
                {
                    PerSampleGram.EndRecording(_layers);
                }
            }
        }
    }
}
