using OrleansConfusion.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Models;

/// <summary>
/// S copies of one <see cref="Mlp"/> architecture (S seeds of one configuration) as one model: every
/// parameter has a leading seed axis (a weight is S×out×in), each layer is one <c>bmm</c>/<c>baddbmm</c>,
/// and an activation or a skip is one pointwise op over all S. So a step runs the ops of one network
/// for S networks, which is what small models, bound by per-op framework overhead, need.
/// Seeds never mix: seed s's outputs depend only on seed s's parameters and inputs, so the gradient
/// of the sum of the S losses with respect to seed s's slice is seed s's own gradient.
/// Built from S initialised <see cref="Mlp"/>s (the unfused models, made by <see cref="ModelFactory"/>
/// from each seed's generator), so initial weights are those of the unfused trials bit for bit; the
/// same models are the per-seed form that checkpoints are written from and read into.
/// Batch norm is per seed: running statistics and affine parameters are S×C, and the train-mode batch
/// statistics of seed s are taken over seed s's batch only (S×B×C is laid out as B×(S·C), whose S·C
/// channels are exactly the S seeds' C channels, and normalised by one batch_norm call).
/// </summary>
internal sealed class FusedMlp : IDisposable
{
    private readonly Tensor[] _weights;        // per linear layer (hidden…, head): S×out×in
    private readonly Tensor?[] _biases;        // S×out, or null without bias
    private readonly Tensor[] _gammas, _betas; // per batch-norm layer: S×C
    private readonly Tensor[] _runningMeans, _runningVars; // S×C, buffers
    private readonly double _bnEps, _bnMomentum;
    private readonly Activation _activation;
    private readonly bool _skip;
    private readonly (bool Norm, int Index)[] _gramOrder;

    public int Seeds { get; }

    /// <summary>Parameters in the order of the unfused model's <c>parameters()</c>.</summary>
    public IList<Tensor> Parameters { get; }

    /// <summary>Parameters of one seed's network (the same count as the unfused model's).</summary>
    public long ParameterCountPerSeed => Parameters.Sum(p => p.numel() / Seeds);

    public FusedMlp(IReadOnlyList<nn.Module<Tensor, Tensor>> seedModels, ModelConfig config)
    {
        if (config.Architecture != Architecture.Mlp) throw new ArgumentException("only MLPs can be fused", nameof(config));
        Seeds = seedModels.Count;
        _activation = config.Activation;
        _skip = config.Skip;
        var linears = seedModels.Select(Linears).ToList();
        var norms = seedModels.Select(Norms).ToList();
        int layers = linears[0].Count, bnLayers = norms[0].Count;
        if (layers != config.Depth + 1 || bnLayers != (config.BatchNorm ? config.Depth : 0))
            throw new ArgumentException($"the seed models are not MLPs of depth {config.Depth}{(config.BatchNorm ? " with batch norm" : "")}");

        using var noGrad = no_grad();
        // Leaves outside any dispose scope: the caller's step scopes must never free the model.
        static Tensor Leaf(IEnumerable<Tensor> slices) => stack(slices.ToList()).detach().requires_grad_(true).DetachFromDisposeScope();
        static Tensor Buffer(IEnumerable<Tensor> slices) => stack(slices.ToList()).detach().DetachFromDisposeScope();
        _weights = [.. Enumerable.Range(0, layers).Select(i => Leaf(linears.Select(l => (Tensor)l[i].Weight)))];
        _biases = [.. Enumerable.Range(0, layers).Select(i => linears[0][i].Bias is null ? null : Leaf(linears.Select(l => (Tensor)l[i].Bias!)))];
        _gammas = [.. Enumerable.Range(0, bnLayers).Select(i => Leaf(norms.Select(n => (Tensor)n[i].weight!)))];
        _betas = [.. Enumerable.Range(0, bnLayers).Select(i => Leaf(norms.Select(n => (Tensor)n[i].bias!)))];
        _runningMeans = [.. Enumerable.Range(0, bnLayers).Select(i => Buffer(norms.Select(n => n[i].running_mean!)))];
        _runningVars = [.. Enumerable.Range(0, bnLayers).Select(i => Buffer(norms.Select(n => n[i].running_var!)))];
        if (bnLayers > 0)
        {
            _bnEps = norms[0][0].eps;
            _bnMomentum = norms[0][0].momentum ?? throw new NotSupportedException("batch norm with a cumulative average (momentum null) is not fused");
        }

        // Parameters and Gram layers in the unfused model's own order, by name, so gradients flatten and
        // Gram terms add up in the same order as unfused (whatever order TorchSharp registers them in).
        var byName = new Dictionary<string, Tensor>();
        var layerByName = new Dictionary<string, (bool Norm, int Index)>();
        for (int i = 0; i < layers; i++)
        {
            string layer = i < layers - 1 ? $"hidden.{i}" : "head";
            byName[$"{layer}.weight"] = _weights[i];
            if (_biases[i] is { } b) byName[$"{layer}.bias"] = b;
            layerByName[layer] = (false, i);
        }
        for (int i = 0; i < bnLayers; i++)
        {
            byName[$"norms.{i}.bn.weight"] = _gammas[i];
            byName[$"norms.{i}.bn.bias"] = _betas[i];
            layerByName[$"norms.{i}"] = (true, i);
        }
        var parameters = seedModels[0].named_parameters().Select(p => byName.TryGetValue(p.name, out var t) ? t
            : throw new ArgumentException($"the seed model has parameter {p.name}, which the fused MLP does not know")).ToList();
        if (parameters.Count != byName.Count) throw new ArgumentException("the seed model lacks parameters the fused MLP has");
        _gramOrder = [.. seedModels[0].named_modules().Where(m => m.module is IPerSampleGradientLayer).Select(m => layerByName[m.name])];
        Parameters = parameters.AsReadOnly();
    }

    /// <summary>
    /// R copies of every network, R·S in all (copy r of seed s at index r·S + s), as fresh leaves that share
    /// nothing with this model. For measurements, eval mode only: R pairs of paper-protocol batches become one
    /// batched pass instead of 2R, and each copy's gradient is its own slice, so the values are the same.
    /// </summary>
    public FusedMlp Replicate(int copies)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(copies, 1);
        return new FusedMlp(this, copies);
    }

    private FusedMlp(FusedMlp source, int copies)
    {
        using var noGrad = no_grad();
        Tensor Repeat(Tensor t)
        {
            var times = new long[t.dim()];
            Array.Fill(times, 1L);
            times[0] = copies;
            return t.detach().repeat(times).DetachFromDisposeScope();
        }
        Tensor RepeatLeaf(Tensor t) => Repeat(t).requires_grad_(true);
        Seeds = source.Seeds * copies;
        _activation = source._activation;
        _skip = source._skip;
        _bnEps = source._bnEps;
        _bnMomentum = source._bnMomentum;
        _gramOrder = source._gramOrder;
        var map = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        Tensor Leaf(Tensor t) => map[t] = RepeatLeaf(t);
        _weights = [.. source._weights.Select(Leaf)];
        _biases = [.. source._biases.Select(b => b is null ? null : Leaf(b))];
        _gammas = [.. source._gammas.Select(Leaf)];
        _betas = [.. source._betas.Select(Leaf)];
        _runningMeans = [.. source._runningMeans.Select(Repeat)];
        _runningVars = [.. source._runningVars.Select(Repeat)];
        Parameters = source.Parameters.Select(p => map[p]).ToList().AsReadOnly();
    }

    /// <summary>hidden.0 … hidden.{depth−1}, then head: by name, not by TorchSharp's registration order.</summary>
    static List<ProbedLinear> Linears(nn.Module model)
    {
        var named = model.named_modules().Where(m => m.module is ProbedLinear).ToDictionary(m => m.name, m => (ProbedLinear)m.module);
        var hidden = named.Keys.Where(k => k.StartsWith("hidden.", StringComparison.Ordinal)).OrderBy(k => int.Parse(k["hidden.".Length..], System.Globalization.CultureInfo.InvariantCulture));
        return [.. hidden.Select(k => named[k]), named["head"]];
    }

    /// <summary>norms.0.bn … by name.</summary>
    static List<BatchNorm1d> Norms(nn.Module model)
    {
        var named = model.named_modules().Where(m => m.module is BatchNorm1d).ToDictionary(m => m.name, m => (BatchNorm1d)m.module);
        return [.. Enumerable.Range(0, named.Count).Select(i => named[$"norms.{i}.bn"])];
    }

    /// <summary>
    /// Logits S×B×K. With <paramref name="perSeed"/>, <paramref name="input"/> is S×B×… (each seed its
    /// own samples); otherwise B×…, the same samples for every seed. <paramref name="training"/> picks
    /// batch norm's batch statistics (and updates the running ones) over running statistics. With a
    /// <paramref name="recording"/>, each layer's input (detached) and output (in the graph) are kept for the Gram.
    /// </summary>
    public Tensor Forward(Tensor input, bool training, bool perSeed, Recording? recording = null)
    {
        var h = perSeed ? input.flatten(2) : input.flatten(1).unsqueeze(0).expand(Seeds, -1, -1);
        for (int i = 0; i < _weights.Length - 1; i++)
        {
            var pre = Linear(i, h, recording);
            if (_gammas.Length > 0) pre = Norm(i, pre, training, recording);
            var z = ActivationFunctions.Apply(_activation, pre);
            h = _skip && i > 0 ? h.add(z) : z;
        }
        return Linear(_weights.Length - 1, h, recording);
    }

    private Tensor Linear(int i, Tensor h, Recording? recording)
    {
        var wt = _weights[i].transpose(1, 2);
        // TorchSharp's Tensor.baddbmm is batch1.baddbmm(batch2, input): h Wᵀ + b in one op (its native THSTensor_baddbmm).
        var z = _biases[i] is { } b ? h.baddbmm(wt, b.unsqueeze(1)) : h.bmm(wt);
        recording?.Linears.Add((h.detach(), z.alias(), _biases[i] is not null, i == _weights.Length - 1));
        return z;
    }

    private Tensor Norm(int i, Tensor pre, bool training, Recording? recording)
    {
        long s = pre.shape[0], b = pre.shape[1], c = pre.shape[2];
        var flat = pre.transpose(0, 1).reshape(b, s * c);
        var y = nn.functional.batch_norm(flat, _runningMeans[i].view(-1), _runningVars[i].view(-1), _gammas[i].view(-1), _betas[i].view(-1),
            training, _bnMomentum, _bnEps).view(b, s, c).transpose(0, 1);
        if (recording is not null)
        {
            if (training) throw new InvalidOperationException("per-sample gradients of batch norm are measured in eval mode only");
            using var noGrad = no_grad();
            var normalized = pre.sub(_runningMeans[i].unsqueeze(1)).div_(_runningVars[i].unsqueeze(1).add(_bnEps).sqrt()).detach();
            recording.Norms.Add((normalized, y.alias()));
        }
        return y;
    }

    /// <summary>Per-seed mean cross-entropy (S) of logits S×B×K against labels S×B.</summary>
    public static Tensor Losses(Tensor logits, Tensor labels)
    {
        long s = logits.shape[0], b = logits.shape[1], k = logits.shape[2];
        return nn.functional.cross_entropy(logits.reshape(s * b, k), labels.reshape(s * b), reduction: nn.Reduction.None).view(s, b).mean([1]);
    }

    /// <summary>
    /// Each seed's mean-loss gradient over <paramref name="indices"/>[s] (S×B sample indices), all
    /// parameters flattened in the unfused model's order: S×P. One forward and one backward pass for all S.
    /// </summary>
    public Tensor BatchGradients(Tensor inputs, Tensor labels, Tensor indices)
    {
        var (x, y) = Gather(inputs, labels, indices);
        var total = Losses(Forward(x, training: false, perSeed: true), y).sum();
        var grads = autograd.grad([total], Parameters);
        return cat(grads.Select(g => g.reshape(Seeds, -1)).ToList(), 1);
    }

    /// <summary>Rows of the shared data for each seed: S×B×… inputs and S×B labels from S×B indices.</summary>
    public static (Tensor X, Tensor Y) Gather(Tensor inputs, Tensor labels, Tensor indices)
    {
        long s = indices.shape[0], b = indices.shape[1];
        var flat = indices.reshape(-1);
        var shape = new long[inputs.dim() + 1];
        shape[0] = s;
        shape[1] = b;
        for (int d = 1; d < inputs.dim(); d++) shape[d + 1] = inputs.shape[d];
        return (inputs.index_select(0, flat).view(shape), labels.index_select(0, flat).view(s, b));
    }

    /// <summary>
    /// Each seed's per-sample gradient Gram over its own samples (S×M×…, labels S×M): S×M×M float32.
    /// One forward and one backward pass, then per layer (A Aᵀ [+1]) ⊙ (D Dᵀ) batched over seeds
    /// (<see cref="ProbedLinear"/>) and batch norm's γ, β share (<see cref="BatchNormGram"/>), added in
    /// the unfused model's Gram-layer order so the float32 sums match.
    /// </summary>
    public Tensor Gram(Tensor inputs, Tensor labels)
    {
        var recording = new Recording();
        var logits = Forward(inputs, training: false, perSeed: true, recording);
        long s = logits.shape[0], m = logits.shape[1], k = logits.shape[2];
        var loss = nn.functional.cross_entropy(logits.reshape(s * m, k), labels.reshape(s * m), reduction: nn.Reduction.Sum);
        var outputs = recording.Linears.Select(l => l.Output).Concat(recording.Norms.Select(n => n.Output)).ToList();
        var grads = autograd.grad([loss], outputs);
        var gram = zeros([s, m, m], dtype: float32, device: inputs.device);
        foreach (var (norm, i) in _gramOrder)
        {
            if (norm)
            {
                var d = grads[recording.Linears.Count + i];
                var gGamma = d.mul(recording.Norms[i].Normalized);
                gram.add_(gGamma.bmm(gGamma.transpose(1, 2))).add_(d.bmm(d.transpose(1, 2)));
            }
            else
            {
                var (a, _, bias, _) = recording.Linears[i];
                var d = grads[i];
                var aa = a.bmm(a.transpose(1, 2));
                if (bias) aa.add_(1.0);
                gram.add_(aa.mul_(d.bmm(d.transpose(1, 2))));
            }
        }
        return gram;
    }

    /// <summary>One SGD step per member at one learning rate, momentum and weight decay for all (see the per-member overload).</summary>
    public void SgdStep(IList<Tensor> grads, double learningRate, double momentum, double weightDecay, Tensor? active, Tensor?[] momentumBuffers) =>
        SgdStep(grads, [.. Enumerable.Repeat(learningRate, Seeds)], [.. Enumerable.Repeat(momentum, Seeds)], [.. Enumerable.Repeat(weightDecay, Seeds)], active, momentumBuffers);

    /// <summary>
    /// One SGD step per member, as torch's SGD does it (weight decay, momentum without dampening), from the gradients of
    /// Σ_s loss_s, each member at its own learning rate, momentum and weight decay. Members not in
    /// <paramref name="active"/> (diverged or finished) are left exactly as they are: their update is masked after
    /// momentum, so neither a NaN gradient nor a stale momentum buffer moves them. Where every member shares a value the
    /// scalar form of each op runs (as before members could differ); a member with momentum 0 gets buf = 0·buf + d = d,
    /// torch's update without a buffer.
    /// </summary>
    public void SgdStep(IList<Tensor> grads, double[] learningRates, double[] momenta, double[] weightDecays, Tensor? active, Tensor?[] momentumBuffers)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        bool Same(double[] v) => v.All(x => x == v[0]);
        Tensor PerMember(double[] v, Tensor like)
        {
            var shape = new long[like.dim()];
            Array.Fill(shape, 1L);
            shape[0] = Seeds;
            return tensor(v, dtype: like.dtype, device: like.device).view(shape);
        }
        bool anyMomentum = momenta.Any(m => m != 0);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            var d = grads[i];
            if (weightDecays.Any(w => w != 0))
                d = Same(weightDecays) ? d.add(p, alpha: weightDecays[0]) : d.addcmul(p, PerMember(weightDecays, p), 1);
            if (anyMomentum)
            {
                if (momentumBuffers[i] is null) momentumBuffers[i] = d.clone().detach().DetachFromDisposeScope();
                else if (Same(momenta)) momentumBuffers[i]!.mul_(momenta[0]).add_(d);
                else momentumBuffers[i]!.mul_(PerMember(momenta, p)).add_(d);
                d = momentumBuffers[i]!;
            }
            if (active is not null)
            {
                var shape = new long[p.dim()];
                Array.Fill(shape, 1L);
                shape[0] = Seeds;
                d = d.masked_fill(active.logical_not().view(shape), 0.0);
            }
            if (Same(learningRates)) p.add_(d, alpha: -learningRates[0]);
            else p.addcmul_(d, PerMember([.. learningRates.Select(r => -r)], p), 1);
        }
    }

    /// <summary>Copies seed <paramref name="seed"/>'s parameters and batch-norm buffers into its unfused model (for checkpoints and fallbacks).</summary>
    public void CopyTo(int seed, nn.Module<Tensor, Tensor> model, long batchNormSteps)
    {
        using var noGrad = no_grad();
        var linears = Linears(model);
        var norms = Norms(model);
        for (int i = 0; i < linears.Count; i++)
        {
            linears[i].Weight.copy_(_weights[i][seed]);
            linears[i].Bias?.copy_(_biases[i]![seed]);
        }
        for (int i = 0; i < norms.Count; i++)
        {
            norms[i].weight!.copy_(_gammas[i][seed]);
            norms[i].bias!.copy_(_betas[i][seed]);
            norms[i].running_mean!.copy_(_runningMeans[i][seed]);
            norms[i].running_var!.copy_(_runningVars[i][seed]);
            // The unfused model counts its train-mode forward passes, one per SGD step; checkpoints hold it.
            norms[i].num_batches_tracked?.fill_(batchNormSteps);
        }
    }

    /// <summary>Seed s's slice of every parameter (views, for tests).</summary>
    public IReadOnlyList<Tensor> SeedParameters(int seed) => Parameters.Select(p => p[seed]).ToList();

    /// <summary>Seed s's batch-norm running means and variances (views, for tests).</summary>
    public IReadOnlyList<Tensor> SeedBuffers(int seed) => _runningMeans.Concat(_runningVars).Select(b => b[seed]).ToList();

    /// <summary>For tests of the masking: overwrite one seed's parameters (e.g. with NaN).</summary>
    public void FillSeed(int seed, double value)
    {
        using var noGrad = no_grad();
        foreach (var p in Parameters) p[seed].fill_(value);
    }

    public void Dispose()
    {
        foreach (var t in _weights.Concat(_biases).Concat(_gammas).Concat(_betas).Concat(_runningMeans).Concat(_runningVars)) t?.Dispose();
    }

    /// <summary>What a recorded forward pass keeps for the per-sample Gram.</summary>
    public sealed class Recording
    {
        public List<(Tensor Input, Tensor Output, bool Bias, bool Head)> Linears { get; } = [];
        public List<(Tensor Normalized, Tensor Output)> Norms { get; } = [];
    }
}
