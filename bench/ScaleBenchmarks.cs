using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using OrleansConfusion.Engine.Configuration;
using OrleansConfusion.Engine.Confusion;
using OrleansConfusion.Engine.Training;
using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;
using OrleansConfusion.Sweeps;

namespace OrleansConfusion.Bench;

/// <summary>
/// How the sweep coordinator scales with the number of trials (issue #11): no-op trials on the dispatch
/// benchmark's cluster (3 silos × 8 slots), at 1k and 100k trials, and with 16 measurement rows per trial at
/// 10k and 100k. Each size runs in a fresh child process (bench --only scale-run), because a process's peak
/// working set is process-wide and only grows; the parent owns each run's output folder, so it is removed
/// even when a child has to be killed.
/// </summary>
internal static class ScaleBenchmarks
{
    const int Silos = 3, Slots = 8, Rows = 16;

    /// <summary>Status calls during a sweep, as a client watching it would make them (issue #11: every 50 ms).</summary>
    static readonly TimeSpan StatusInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>100k trials × 16 rows journals GBs on a coordinator that keeps every row; below this a run is not started, or is stopped.</summary>
    const long MinFreeBytes = 5L << 30;

    /// <summary>Half the machine's memory: a run past it is stopped, not left to push the machine into the OOM killer.</summary>
    static readonly long MaxWorkingSet = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;

    static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }

    /// <summary>How long the parent waits for a child past the child's own sweep timeout (cluster start, final files, exit).</summary>
    static readonly TimeSpan ChildGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The parent: one child per (trials, rows) run, its lines passed through, then the ratios of issue #11.
    /// With <paramref name="trials"/> only that size runs, without and with rows, and no ratio is printed.
    /// </summary>
    /// <param name="rows">With <paramref name="trials"/>: only the run with this many rows per trial (0 or 16), not both.</param>
    public static async Task<int> RunAsync(Action<string, double> report, int? trials, int? rows, TimeSpan timeout,
        Func<IReadOnlyList<string>, Action<string>, TimeSpan, Task<int>> runChild)
    {
        if (rows is { } r && (trials is null || r is not (0 or Rows)))
            throw new ArgumentException($"--rows takes 0 or {Rows}, with --trials N");
        (int Trials, int Rows, bool Axes)[] runs = trials is { } n
            ? rows is { } only ? [(n, only, false)] : [(n, 0, false), (n, Rows, false)]
            : [(1_000, 0, false), (10_000, Rows, false), (100_000, 0, false), (100_000, Rows, false), (AxesTrials, 0, true)];
        var values = new Dictionary<string, double>();
        int failed = 0;
        foreach (var (size, perTrial, axes) in runs)
        {
            string folder = Path.Combine(Path.GetTempPath(), "orleansconfusion-bench");
            Directory.CreateDirectory(folder);
            long free = new DriveInfo(Path.GetFullPath(folder)).AvailableFreeSpace;
            if (free < MinFreeBytes)
            {
                Console.WriteLine($"# scale: stopped before {Label(size, perTrial, axes)}: {free / (double)(1L << 30):0.#} GB free under {folder}, at least {MinFreeBytes >> 30} GB needed");
                return 1;
            }
            int exit = await ClusterBenchmarks.InTempFolderAsync(output => runChild(
                ["--only", "scale-run", "--trials", Invariant(size), "--rows", Invariant(perTrial), "--out", output, "--timeout-min", Invariant(timeout.TotalMinutes), .. (axes ? ["--axes"] : Array.Empty<string>())],
                line =>
                {
                    Console.WriteLine(line);
                    int colon = line.IndexOf(": ", StringComparison.Ordinal);
                    if (colon > 0 && double.TryParse(line[(colon + 2)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                        values[line[..colon]] = value;
                },
                timeout + ChildGrace));
            if (exit != 0)
            {
                failed++;
                Console.WriteLine($"# scale: the {Label(size, perTrial, axes)} run exited with {exit}");
            }
        }
        if (trials is null)
        {
            Ratio(report, values, "scale_growth_100k_vs_1k", "ms_per_trial", Label(100_000, 0), Label(1_000, 0));
            Ratio(report, values, "scale_memory_growth_100k_vs_10k", "peak_mb", Label(100_000, Rows), Label(10_000, Rows));
            // The same 100,000 trials planned from a search space (4 training axes and a sampled one) against the grid's.
            Ratio(report, values, "scale_axes_vs_grid_100k", "ms_per_trial", Label(AxesTrials, 0, axes: true), Label(100_000, 0));
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// scale_<paramref name="metric"/>_<paramref name="numerator"/> over the same for <paramref name="denominator"/>, only
    /// where both runs finished: a stopped run prints its time per trial as `timeout` or `stopped`, and its values (measured
    /// until the stop) would make the ratio mislead.
    /// </summary>
    static void Ratio(Action<string, double> report, Dictionary<string, double> values, string name, string metric, string numerator, string denominator)
    {
        bool finished = values.ContainsKey($"scale_ms_per_trial_{numerator}") && values.ContainsKey($"scale_ms_per_trial_{denominator}");
        if (finished && values.TryGetValue($"scale_{metric}_{numerator}", out double a) && values.TryGetValue($"scale_{metric}_{denominator}", out double b) && b > 0)
            report(name, a / b);
        else Console.WriteLine($"{name}: n/a");
    }

    /// <summary>
    /// The child: one sweep of <paramref name="trials"/> trials, <paramref name="rows"/> rows each, under
    /// <paramref name="output"/>. Past <paramref name="timeout"/> it prints what it measured so far and its time
    /// per trial as `timeout` (`stopped` below 5 GB free or over half the machine's memory), and exits without
    /// waiting for the cluster to stop.
    /// </summary>
    public static async Task RunOneAsync(Action<string, double> report, int trials, int rows, string output, TimeSpan timeout, bool axes = false)
    {
        if (axes && (trials != AxesTrials || rows != 0)) throw new ArgumentException($"--axes runs {AxesTrials} trials without rows");
        string label = Label(trials, rows, axes);
        var meter = new StateWriteMeter();
        var trainer = new LastReturnTrainer(rows > 0 ? new RowsTrainer(rows) : new ClusterBenchmarks.NoOpTrainer());
        var noOp = axes ? AxesSpec() : ClusterBenchmarks.NoOpSpec(trials, "bench-scale");
        // Realistic measurement settings for the rows (20 histogram bins, paper pairs, per-sample M); the
        // trainer fakes them, so they cost nothing but the rows' size.
        var spec = rows == 0 ? noOp : noOp with { Measurement = new MeasurementSpec(), Training = new TrainingSpec { Epochs = rows - 1 } };
        var latencies = new List<double>();
        SweepStatus? last = null;
        int unanswered = 0;
        string? stopped = null;
        bool timedOut = false;
        using var deadline = new CancellationTokenSource();
        var disk = new DriveInfo(Path.GetFullPath(Path.GetTempPath()));

        // A reader polling the metrics/ glob while the sweep runs: how soon a row becomes visible.
        await using var watcher = new DatasetWatcher(Path.Combine(output, spec.Name));
        if (rows > 0) watcher.Start();
        await ClusterBenchmarks.OnTestClusterAsync(Silos, Slots, trainer, async client =>
        {
            var coordinatorType = client.GetGrain<ISweepCoordinatorGrain>(spec.Name).GetGrainId().Type.ToString();
            DateTime submitted = ClusterBenchmarks.Clock.Now;
            SweepStatus status;
            // The sweep's time, not the cluster's start.
            deadline.CancelAfter(timeout);
            try
            {
                (submitted, status) = await ClusterBenchmarks.RunSweepAsync(client, spec with { OutputDirectory = output }, StatusInterval, (latency, s) =>
                {
                    latencies.Add(latency.TotalMilliseconds);
                    if (s is null) unanswered++;
                    else last = s;
                    // About once a second: the journal can fill the disk, and a coordinator that keeps every row
                    // in memory can take the machine's (10k × 16 rows peaked at 2.2 GB on the code of Dec 2026).
                    if (latencies.Count % 20 != 0 || stopped is not null) return;
                    if (disk.AvailableFreeSpace < MinFreeBytes) stopped = $"under {MinFreeBytes >> 30} GB free";
                    else if (WorkingSet() > MaxWorkingSet) stopped = $"working set over {MaxWorkingSet / (double)(1L << 30):0.#} GB";
                    if (stopped is not null) deadline.Cancel();
                }, deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                timedOut = stopped is null;
                stopped ??= $"timeout after {timeout.TotalMinutes:0.##} min";
                status = last ?? new SweepStatus();
            }
            catch (Exception e) when (e is ArgumentException or SpecRejectedException)
            {
                // Over today's trial cap the coordinator refuses the spec; the message says so.
                Console.WriteLine($"# scale {label}: submit refused: {e.Message.ReplaceLineEndings(" ")}");
                Console.WriteLine($"scale_ms_per_trial_{label}: refused");
                return 0;
            }

            if (stopped is null)
            {
                if (status.State != SweepState.Completed || status.FinishedAt is not { } finished)
                    throw new InvalidOperationException($"sweep {spec.Name} ended {status.State}");
                report($"scale_ms_per_trial_{label}", (finished.UtcDateTime - submitted).TotalMilliseconds / trials);
                // From the last trainer's return (that trial's outcome then on its way to the coordinator) to
                // the coordinator's FinishedAt, which it sets once the last parts are sealed and the trials compacted.
                bool files = DatasetFiles.Of(status.OutputDirectory, DatasetLayout.Trials).Count == 1
                    && (rows == 0 || DatasetFiles.Of(status.OutputDirectory, DatasetLayout.Metrics).Count > 0);
                if (files) report($"scale_final_files_s_{label}", (finished.UtcDateTime - trainer.LastReturn).TotalSeconds);
                else Console.WriteLine($"scale_final_files_s_{label}: missing");
                if (rows > 0) report($"scale_measurement_rows_{label}", status.MeasurementRows);
                if (rows > 0)
                {
                    await watcher.DisposeAsync();
                    // Seconds from a row's recording (before its acknowledgement) until a glob saw it; target: the seal interval + 5 s.
                    report($"scale_first_part_visible_s_{label}", watcher.Quantile(0.99));
                    report($"scale_part_visible_p50_s_{label}", watcher.Quantile(0.5));
                    report($"scale_rows_seen_by_reader_{label}", watcher.Rows);
                }
                // What the write-ahead record leaves on disk once every part is sealed (the starts of training).
                string record = Path.Combine(status.OutputDirectory, DatasetLayout.RecordFolder);
                report($"scale_record_bytes_end_{label}", Directory.Exists(record) ? Directory.EnumerateFiles(record).Sum(f => new FileInfo(f).Length) : 0);
            }
            else
            {
                // What was measured until then, clearly labelled: the time per trial is `timeout`/`stopped`, and the rate
                // so far is a lower bound on it (later trials cost more if the coordinator is O(N) per trial).
                Console.WriteLine($"# scale {label}: stopped ({stopped}) with {status.Finished} of {trials} trials finished; the lines below cover the sweep until then");
                Console.WriteLine($"scale_ms_per_trial_{label}: {(timedOut ? "timeout" : "stopped")}");
                report($"scale_trials_finished_at_stop_{label}", status.Finished);
                if (status.Finished > 0)
                    report($"scale_ms_per_trial_so_far_{label}", (ClusterBenchmarks.Clock.Now - submitted).TotalMilliseconds / status.Finished);
            }
            ReportStatusLatencies(report, label, latencies);
            if (unanswered > 0) report($"scale_status_unanswered_{label}", unanswered);
            meter.Report(report, label, coordinatorType);
            using (var self = Process.GetCurrentProcess()) report($"scale_peak_mb_{label}", self.PeakWorkingSet64 / (double)(1 << 20));
            if (stopped is not null)
            {
                // A coordinator that took this long may take as long to stop; the parent removes the folder.
                Console.Out.Flush();
                Environment.Exit(0);
            }
            return 0;
        }, meter.Install);
    }

    static void ReportStatusLatencies(Action<string, double> report, string label, List<double> latencies)
    {
        if (latencies.Count == 0) return;
        var sorted = latencies.Order().ToArray();
        report($"scale_status_calls_{label}", sorted.Length);
        report($"scale_status_p99_ms_{label}", CosineStatistics.Quantile(sorted, 0.99));
        report($"scale_status_max_ms_{label}", sorted[^1]);
    }

    /// <summary>"1k", "100k", "100k_rows16"; sizes not a multiple of 1000 as they are.</summary>
    static string Label(int trials, int rows, bool axes = false) =>
        (trials % 1000 == 0 ? Invariant(trials / 1000) + "k" : Invariant(trials)) + (rows > 0 ? $"_rows{Invariant(rows)}" : "") + (axes ? "_axes" : "");

    const int AxesTrials = 100_000;

    /// <summary>
    /// 100,000 no-op trials from a search space as a researcher writes one (issue #24): 50 widths × momentum,
    /// weight_decay, batch_size and lr_decay_factor lists of 2 × 5 quasi-random log-uniform learning rates × 25 seeds.
    /// </summary>
    static SweepSpec AxesSpec() => ClusterBenchmarks.NoOpSpec(AxesTrials, "bench-scale") with
    {
        Grid = new GridSpec { Widths = Enumerable.Range(1, 50).ToArray(), Depths = [1] },
        Seeds = Enumerable.Range(0, 25).Select(s => (long)s).ToArray(),
        Axes =
        [
            new AxisSpec { Field = "momentum", Values = [0, 0.9] },
            new AxisSpec { Field = "weight_decay", Values = [0, 1e-4] },
            new AxisSpec { Field = "batch_size", Values = [64, 128] },
            new AxisSpec { Field = "lr_decay_factor", Values = [0.1, 0.5] },
            new AxisSpec { Field = "lr", Sampled = new SampledValue { Distribution = "log_uniform", Low = 1e-3, High = 1 } },
        ],
        Samples = 5,
        SampleSeed = 7,
    };

    static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Grain-state writes through the "sweeps" storage, by grain type: count, total and largest serialised size.
    /// <para>
    /// The size is the storage's own serialisation: a decorator of the silo's <see cref="IGrainStorageSerializer"/>
    /// (the one the memory storage, like Redis, serialises with) notes the length of what it produced, for the
    /// write the storage decorator is in. So measuring costs nothing extra; a 100k-trial coordinator state
    /// serialised twice per save would itself slow the sweep this benchmark times. A storage that serialises
    /// some other way is measured by serialising the state once more here.
    /// </para>
    /// </summary>
    sealed class StateWriteMeter
    {
        /// <summary>The write in progress on this async flow; the serializer decorator fills in its size.</summary>
        static readonly AsyncLocal<WriteScope?> Current = new();

        readonly ConcurrentDictionary<string, TypeTotals> _byType = new();
        long _reserialized;

        sealed class WriteScope
        {
            public long Bytes = -1;
        }

        sealed class TypeTotals
        {
            public long Writes, Bytes, MaxBytes;

            public void Add(long bytes)
            {
                Interlocked.Increment(ref Writes);
                Interlocked.Add(ref Bytes, bytes);
                long max;
                while (bytes > (max = Volatile.Read(ref MaxBytes)) && Interlocked.CompareExchange(ref MaxBytes, bytes, max) != max) { }
            }
        }

        /// <summary>
        /// Replaces the silo's registrations with decorators of them: the keyed IGrainStorage named
        /// <see cref="StorageNames.Sweeps"/> (as Orleans' AddGrainStorage registers it: a keyed singleton, the
        /// last registration for a key being the one resolved) and the IGrainStorageSerializer.
        /// </summary>
        public void Install(ISiloBuilder silo)
        {
            var services = silo.Services;
            Decorate<IGrainStorageSerializer>(services, null, (_, inner) => new MeasuringSerializer(inner));
            Decorate<IGrainStorage>(services, StorageNames.Sweeps,
                (sp, inner) => new MeasuringStorage(inner, this, sp.GetRequiredService<IGrainStorageSerializer>()));
        }

        static void Decorate<T>(IServiceCollection services, string? key, Func<IServiceProvider, T, T> wrap) where T : class
        {
            var original = services.LastOrDefault(d => d.ServiceType == typeof(T) && Equals(d.ServiceKey, key))
                ?? throw new InvalidOperationException($"no {typeof(T).Name} registered{(key is null ? "" : $" under '{key}'")} to measure");
            services.Remove(original);
            Func<IServiceProvider, T> create = key is null
                ? sp => (T)(original.ImplementationInstance ?? original.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))
                : sp => (T)(original.KeyedImplementationInstance ?? original.KeyedImplementationFactory?.Invoke(sp, key) ?? ActivatorUtilities.CreateInstance(sp, original.KeyedImplementationType!));
            if (key is null) services.AddSingleton(sp => wrap(sp, create(sp)));
            else services.AddKeyedSingleton(key, (sp, _) => wrap(sp, create(sp)));
        }

        public void Report(Action<string, double> report, string label, string coordinatorType)
        {
            var coordinator = _byType.GetValueOrDefault(coordinatorType);
            report($"scale_max_state_write_bytes_{label}", coordinator?.MaxBytes ?? 0);
            report($"scale_coordinator_state_writes_{label}", coordinator?.Writes ?? 0);
            report($"scale_coordinator_state_write_mb_{label}", (coordinator?.Bytes ?? 0) / (double)(1 << 20));
            foreach (var (type, totals) in _byType.Where(t => t.Key != coordinatorType).OrderBy(t => t.Key, StringComparer.Ordinal))
                report($"scale_max_state_write_bytes_{type}_{label}", totals.MaxBytes);
            report($"scale_state_write_total_mb_{label}", _byType.Values.Sum(t => t.Bytes) / (double)(1 << 20));
            if (_reserialized > 0)
                Console.WriteLine($"# scale {label}: {_reserialized} writes measured by serialising their state again (the storage did not use IGrainStorageSerializer); the times include that");
        }

        sealed class MeasuringSerializer(IGrainStorageSerializer inner) : IGrainStorageSerializer
        {
            public BinaryData Serialize<T>(T? input)
            {
                var data = inner.Serialize(input);
                if (Current.Value is { } scope) scope.Bytes = data.ToMemory().Length;
                return data;
            }

            public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);
        }

        sealed class MeasuringStorage(IGrainStorage inner, StateWriteMeter meter, IGrainStorageSerializer serializer) : IGrainStorage
        {
            public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
            {
                var scope = new WriteScope();
                Current.Value = scope;
                try
                {
                    await inner.WriteStateAsync(stateName, grainId, grainState);
                }
                finally
                {
                    Current.Value = null;
                }
                long bytes = scope.Bytes;
                if (bytes < 0)
                {
                    bytes = serializer.Serialize(grainState.State).ToMemory().Length;
                    Interlocked.Increment(ref meter._reserialized);
                }
                meter._byType.GetOrAdd(grainId.Type.ToString()!, _ => new TypeTotals()).Add(bytes);
            }

            public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

            public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
        }
    }

    /// <summary>Notes when the last trial left its trainer: the start of "from the last outcome until the output is final".</summary>
    sealed class LastReturnTrainer(ITrialTrainer inner) : ITrialTrainer
    {
        long _lastTicks;

        public DateTime LastReturn => new(Interlocked.Read(ref _lastTicks), DateTimeKind.Utc);

        public TrialResult Train(TrialSpec spec, TrialTrainingContext context)
        {
            var result = inner.Train(spec, context);
            long now = ClusterBenchmarks.Clock.Now.Ticks, seen;
            while (now > (seen = Interlocked.Read(ref _lastTicks)) && Interlocked.CompareExchange(ref _lastTicks, now, seen) != seen) { }
            return result;
        }
    }

    /// <summary>
    /// A trial that trains nothing but reports <paramref name="rows"/> measurements as a real one measured at
    /// step 0 and each epoch's end would (MNIST at batch 128: 469 steps an epoch): losses and accuracies that
    /// vary by trial and step, paper and per-sample statistics with 20-bin histograms. The histograms come
    /// from a few distributions drawn once, so the trainer costs no CPU worth noting.
    /// </summary>
    sealed class RowsTrainer(int rows) : ITrialTrainer
    {
        const int StepsPerEpoch = 469, Bins = 20;

        static readonly (CosineStatistics Paper, PerSampleStatistics PerSample)[] Statistics = Enumerable.Range(0, 8).Select(i =>
        {
            var random = new Random(i);
            // Cosines concentrated around a mean that drifts with i, as they do over training.
            double mean = 0.6 - 0.1 * i;
            double[] Draw(int count) => Enumerable.Range(0, count).Select(_ => Math.Clamp(mean + 0.3 * (random.NextDouble() * 2 - 1), -1, 1)).ToArray();
            var paper = CosineStatistics.From(Draw(100), Bins);
            var perSample = new PerSampleStatistics(128, 0.1, -0.02 * i, CosineStatistics.From(Draw(128 * 127 / 2), Bins), 0.1, 0.8, 0.9, 3.5);
            return (paper, perSample);
        }).ToArray();

        public TrialResult Train(TrialSpec spec, TrialTrainingContext context)
        {
            var random = new Random(HashCode.Combine(spec.Model.Width, spec.Model.Depth, spec.Seed));
            double loss = 2.3, accuracy = 0.1;
            for (int i = 0; i < rows; i++)
            {
                if (i > 0)
                {
                    loss *= 0.7 + 0.2 * random.NextDouble();
                    accuracy += (1 - accuracy) * (0.3 + 0.2 * random.NextDouble());
                }
                var (paper, perSample) = Statistics[(i + spec.Model.Width) % Statistics.Length];
                context.OnMeasurement(new MeasurementRecord
                {
                    Step = (long)i * StepsPerEpoch,
                    Epoch = i,
                    LearningRate = 0.1,
                    SgdLoss = i == 0 ? double.NaN : loss * (1 + 0.05 * random.NextDouble()),
                    TrainLoss = loss,
                    TrainAccuracy = accuracy,
                    TestLoss = loss * (1.05 + 0.05 * random.NextDouble()),
                    TestAccuracy = accuracy * (0.97 + 0.02 * random.NextDouble()),
                    WallSeconds = i * 2.5 + random.NextDouble(),
                    Paper = paper,
                    PaperSeconds = 0.05 + 0.01 * random.NextDouble(),
                    PerSample = perSample,
                    PerSampleSeconds = 0.02 + 0.01 * random.NextDouble(),
                });
            }
            long steps = (long)(rows - 1) * StepsPerEpoch;
            return new TrialResult
            {
                Status = TrialOutcomeStatus.Completed, Steps = steps, Epochs = rows - 1, Device = context.Device,
                FinalLoss = loss, BestLoss = loss, FinalAccuracy = accuracy, BestAccuracy = accuracy,
                FinalTestAccuracy = accuracy * 0.98, WallSeconds = rows * 2.5, ParameterCount = 784L * spec.Model.Width + spec.Model.Width * 10L,
            };
        }
    }
}
