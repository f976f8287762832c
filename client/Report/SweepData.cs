using static OrleansConfusion.Cli.Report.ParquetTable;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// A sweep's output folder read for the report: the trials/ parts joined with the metrics/ parts by trial_id,
/// reduced to per-trial summaries. Everything wrong with the input surfaces here as a
/// <see cref="ReportInputException"/>, before anything is written.
/// </summary>
internal sealed class SweepData
{
    public const string TrialsFile = "trials/";
    public const string MetricsFile = "metrics/";

    static readonly string[] RequiredTrialColumns = ["trial_id", "seed", .. SweepAxes.Required];
    static readonly string[] RequiredMetricColumns = ["trial_id", "step", "epoch"];

    public required string Directory { get; init; }
    public required string SweepId { get; init; }
    public required IReadOnlyList<TrialSummary> Trials { get; init; }
    public required int MeasurementCount { get; init; }

    /// <summary>Axes with more than one value among the reported trials, in <see cref="SweepAxes.All"/> order.</summary>
    public required IReadOnlyList<string> VaryingAxes { get; init; }

    /// <summary>The one value of every axis that does not vary.</summary>
    public required IReadOnlyDictionary<string, string> Constants { get; init; }

    /// <summary>Which column the minimum cosine, the histogram and the loss were read from (null: none).</summary>
    public required string? MinCosineColumn { get; init; }
    public required string? HistogramColumn { get; init; }
    public required string? LossColumn { get; init; }
    public required bool HasEta { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }

    /// <summary>What was kept of the sweep before its trends (<see cref="Report.Selection"/>), or null when nothing was selected.</summary>
    public Selection? Selection { get; init; }

    public static Task<SweepData> LoadAsync(string sweepDirectory, CancellationToken cancellationToken) =>
        LoadAsync(sweepDirectory, null, cancellationToken);

    /// <param name="selection">
    /// The selection given on the command line (axis, column, goal), or null: then the one the sweep's spec declared
    /// (spec.json in its folder), if any.
    /// </param>
    public static async Task<SweepData> LoadAsync(string sweepDirectory, (string Best, string By, string Goal)? selection, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(sweepDirectory))
            throw new ReportInputException("(empty)", "no sweep output folder given");
        string dir = Path.GetFullPath(sweepDirectory);
        if (!System.IO.Directory.Exists(dir))
            throw new ReportInputException(dir, "sweep output folder not found");
        // The dataset's sealed parts (or the single files of a folder from before the dataset): a running sweep reports too.
        var trialsFiles = DatasetFiles.Of(dir, DatasetLayout.Trials);
        var metricsFiles = DatasetFiles.Of(dir, DatasetLayout.Metrics);
        string trialsPath = DatasetFiles.Glob(dir, DatasetLayout.Trials), metricsPath = DatasetFiles.Glob(dir, DatasetLayout.Metrics);
        foreach (var (files, path) in new[] { (trialsFiles, trialsPath), (metricsFiles, metricsPath) })
            if (files.Count == 0)
                throw new ReportInputException(path, $"no sealed part; a sweep output folder holds the dataset {TrialsFile} and {MetricsFile} (a part is sealed within a minute of its rows)");

        var trialsTable = await ReadAsync(trialsPath, trialsFiles, cancellationToken);
        trialsTable.Require("trials", RequiredTrialColumns);
        var metricsTable = await ReadAsync(metricsPath, metricsFiles, cancellationToken);
        metricsTable.Require("metrics", RequiredMetricColumns);
        metricsTable.RequireAny("metrics", "paper_allpairs_min_cosine", "paper_min_cosine", "per_sample_min_cosine", "eta");
        metricsTable.RequireAny("metrics", "train_loss", "sgd_loss");

        if (trialsTable.Rows.Count == 0) throw new ReportInputException(trialsPath, "empty sweep: no trials");
        if (metricsTable.Rows.Count == 0) throw new ReportInputException(metricsPath, "empty sweep: no measurements");

        var notes = new List<string>();
        string declaredIn = "the command line (not declared in the sweep's spec)";
        if (selection is null && SweepOutput.ReadSpec(dir)?.Report is { Best: { } best, By: { } by } declared)
            (selection, declaredIn) = ((best, by, declared.Goal), $"the sweep's spec ({SweepOutput.SpecFile}), declared before it ran");
        if (selection is { } asked) CheckSelection(asked, trialsTable);
        // steps_to_target_loss is null both for "never reached" and for "no target": a sweep has a target
        // when some trial reached it, and then a null means not reached within the trained steps.
        bool hasTarget = trialsTable.Has("steps_to_target_loss") && trialsTable.Rows.Any(r => AsLong(Get(r, "steps_to_target_loss")) is not null);
        // A trial re-run by a resubmit can have an older outcome in an earlier part until the sweep ends: the newest counts.
        var allTrials = trialsTable.Rows
            .OrderBy(r => Get(r, "finished_at") as DateTime? ?? default)
            .Select(r => ReadTrial(r, trialsTable, hasTarget, selection?.By))
            .GroupBy(t => t.TrialId).Select(g => g.Last()).ToList();
        Selection? selected = null;
        var unselected = new HashSet<string>(StringComparer.Ordinal);
        if (selection is { } choice)
        {
            if (allTrials.Select(t => t[choice.Best]).Distinct().Count() < 2)
                notes.Add($"No selection: {choice.Best} takes one value in this sweep, so there is nothing to choose between.");
            else
            {
                var before = allTrials;
                (selected, allTrials) = Selection.Apply(allTrials, choice.Best, choice.By, choice.Goal, declaredIn);
                unselected.UnionWith(before.Select(t => t.TrialId).Except(allTrials.Select(t => t.TrialId)));
                notes.Add($"Kept, in each cell of the other axes, the {choice.Best} with the best {selected.Criterion} (declared in {declaredIn}); " +
                    "the trends below are on what was kept.");
                if (allTrials.Count == 0) throw new ReportInputException(trialsPath, $"the selection of {choice.Best} by {choice.By} kept no trial: no value had every seed completed");
            }
        }

        var excluded = allTrials.Where(t => !IsReportable(t.Status)).ToList();
        if (excluded.Count > 0)
            notes.Add($"Left out {excluded.Count} trial(s) that did not complete: " +
                string.Join(", ", excluded.GroupBy(t => t.Status).Select(g => $"{g.Count()} {g.Key}")) + ".");
        var trials = allTrials.Where(t => IsReportable(t.Status)).ToDictionary(t => t.TrialId);
        if (trials.Count == 0)
            throw new ReportInputException(trialsPath, "no completed trials to report (" +
                string.Join(", ", excluded.GroupBy(t => t.Status).Select(g => $"{g.Count()} {g.Key}")) + ")");

        // The all-pairs protocol first where it ran: its minimum is over K(K-1)/2 pairs, not 100 draws.
        string? minCosine = PickColumn(metricsTable, "paper_allpairs_min_cosine", "paper_min_cosine", "per_sample_min_cosine");
        string? histogram = PickColumn(metricsTable, "paper_allpairs_histogram", "paper_histogram", "per_sample_histogram");
        string? loss = PickColumn(metricsTable, "train_loss", "sgd_loss");
        bool hasEta = PickColumn(metricsTable, "eta") is not null;
        // The per-sample cosine gets its own trend rows only when the minimum cosine is the paper protocol's.
        bool perSampleCosine = minCosine is not null && minCosine != "per_sample_min_cosine" && PickColumn(metricsTable, "per_sample_min_cosine") is not null;
        if (minCosine == "per_sample_min_cosine")
            notes.Add("No paper-protocol measurements: the minimum cosine and its density come from the per-sample measurement.");

        var byTrial = new Dictionary<string, List<MeasurementPoint>>();
        int unknown = 0, notKept = 0, measurements = 0;
        foreach (var row in metricsTable.Rows)
        {
            string id = AsString(Get(row, "trial_id")) ?? "";
            if (!trials.ContainsKey(id))
            {
                if (unselected.Contains(id)) notKept++;
                else unknown++;
                continue;
            }
            var step = AsLong(Get(row, "step"));
            var epoch = AsLong(Get(row, "epoch"));
            if (step is null || epoch is null) continue;
            measurements++;
            var point = new MeasurementPoint(
                id, step.Value, (int)epoch.Value,
                loss is null ? null : AsDouble(Get(row, loss)),
                minCosine is null ? null : AsDouble(Get(row, minCosine)),
                hasEta ? AsDouble(Get(row, "eta")) : null,
                perSampleCosine ? AsDouble(Get(row, "per_sample_min_cosine")) : null,
                histogram is null ? null : AsLongArray(Get(row, histogram)));
            if (!byTrial.TryGetValue(id, out var list)) byTrial[id] = list = [];
            list.Add(point);
        }
        if (unknown > 0)
            notes.Add($"Ignored {unknown} measurement(s) of trials that are not reported (unknown or not completed).");
        if (notKept > 0)
            notes.Add($"Left out {notKept} measurement(s) of the {unselected.Count} trial(s) the selection did not keep.");
        var withoutMeasurements = trials.Keys.Where(id => !byTrial.ContainsKey(id)).ToList();
        if (withoutMeasurements.Count > 0)
            notes.Add($"{withoutMeasurements.Count} completed trial(s) have no measurements and are left out.");
        if (byTrial.Count == 0)
            throw new ReportInputException(metricsPath, "empty sweep: no measurements belong to a completed trial in " + TrialsFile);

        var summaries = byTrial
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => TrialSummary.From(trials[kv.Key], kv.Value))
            .ToList();
        var varying = SweepAxes.All.Where(a => summaries.Select(s => s.Trial[a]).Distinct().Count() > 1).ToList();
        // An axis that follows another one value for value (a learning rate derived from the depth) slices nothing of its
        // own: a slice along depth would hold it fixed and keep one depth. It is pooled with what it follows, and said so.
        foreach (var (derived, source) in Followers(summaries, varying))
        {
            string values = string.Join(", ", SweepAxes.Sort(derived, summaries.Select(t => t.Trial[derived]).Distinct()));
            notes.Add($"{derived} follows {source} (one {derived} per {source}: {values}); it is not a slicing axis of its own.");
            summaries = [.. summaries.Select(t => t with { Trial = t.Trial with { Config = new Dictionary<string, string>(t.Trial.Config) { [derived] = $"follows {source}" } } })];
            varying.Remove(derived);
        }
        var constants = SweepAxes.All.Except(varying).ToDictionary(a => a, a => summaries[0].Trial[a]);
        string sweepId = trialsTable.Has("sweep_id") ? AsString(Get(trialsTable.Rows[0], "sweep_id")) ?? "" : "";

        return new SweepData
        {
            Directory = dir,
            SweepId = sweepId.Length > 0 ? sweepId : Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar)),
            Trials = summaries,
            MeasurementCount = measurements,
            VaryingAxes = varying,
            Constants = constants,
            MinCosineColumn = minCosine,
            HistogramColumn = histogram,
            LossColumn = loss,
            HasEta = hasEta,
            Notes = notes,
            Selection = selected,
        };
    }

    /// <summary>
    /// Varying axes each determined by one other varying axis (every value of the other comes with one value of it). Of
    /// two that determine each other, the later in <see cref="SweepAxes.All"/> (training after the grid) is the follower.
    /// </summary>
    static List<(string Derived, string Source)> Followers(IReadOnlyList<TrialSummary> trials, IReadOnlyList<string> varying)
    {
        bool Determines(string source, string target) =>
            trials.GroupBy(t => t.Trial[source]).All(g => g.Select(t => t.Trial[target]).Distinct().Count() == 1);
        var followers = new List<(string, string)>();
        foreach (string target in varying)
        {
            var source = varying.FirstOrDefault(s => s != target && !followers.Any(f => f.Item1 == s) && Determines(s, target)
                && (!Determines(target, s) || Array.IndexOf(SweepAxes.All, s) < Array.IndexOf(SweepAxes.All, target)));
            if (source is not null) followers.Add((target, source));
        }
        return followers;
    }

    /// <summary>The selected axis must be an axis and the criterion a numeric column of trials/.</summary>
    static void CheckSelection((string Best, string By, string Goal) selection, ParquetTable trials)
    {
        if (!SweepAxes.All.Contains(selection.Best))
            throw new ReportInputException(trials.Path, $"--best: '{selection.Best}' is not an axis{Suggest.DidYouMean(selection.Best, SweepAxes.All)} (axes: {string.Join(", ", SweepAxes.All)})");
        if (!trials.Has(selection.By) || trials.Rows.Select(r => Get(r, selection.By)).FirstOrDefault(v => v is not null) is { } sample && AsDouble(sample) is null)
            throw new ReportInputException(trials.Path, $"--by: '{selection.By}' is not a numeric column of {TrialsFile}{Suggest.DidYouMean(selection.By, trials.Columns)} " +
                $"(numeric columns of a sweep: {string.Join(", ", AxisRules.SelectionColumns)})");
        if (selection.Goal is not ("min" or "max"))
            throw new ReportInputException(trials.Path, $"--by: the goal '{selection.Goal}' must be min or max (e.g. final_test_accuracy:max)");
    }

    /// <summary>Completed trials are reported; a missing status is taken as completed.</summary>
    static bool IsReportable(string status) => status.Length == 0 || status.Equals("completed", StringComparison.OrdinalIgnoreCase);

    /// <summary>The first column that exists and holds at least one non-null value.</summary>
    static string? PickColumn(ParquetTable table, params string[] candidates) =>
        candidates.FirstOrDefault(c => table.Has(c) && table.Rows.Any(r => Get(r, c) is not null));

    static TrialRow ReadTrial(IDictionary<string, object> row, ParquetTable table, bool hasTarget, string? criterion)
    {
        string id = AsString(Get(row, "trial_id")) ?? throw new ReportInputException(table.Path, "a trial has no trial_id");
        var seed = AsLong(Get(row, "seed")) ?? throw new ReportInputException(table.Path, $"trial {id} has no seed");
        var config = new Dictionary<string, string>();
        foreach (string axis in SweepAxes.All)
        {
            object? value = Get(row, axis);
            config[axis] = value switch
            {
                null => "",
                bool b => b ? "true" : "false",
                _ when axis is SweepAxes.BatchNorm or SweepAxes.Skip or SweepAxes.Bias =>
                    AsBool(value) is { } b ? (b ? "true" : "false") : "",
                _ => AsString(value)!.Trim().ToLowerInvariant(),
            };
        }
        string status = (AsString(Get(row, "status")) ?? "").Trim().ToLowerInvariant();
        double? stepsToTarget = null;
        if (hasTarget)
            stepsToTarget = AsLong(Get(row, "steps_to_target_loss")) is { } reached ? reached
                : AsLong(Get(row, "trained_steps")) is { } trained ? trained + 1 : null;
        return new TrialRow(id, config, seed, status, stepsToTarget, criterion is null ? null : AsDouble(Get(row, criterion)));
    }
}
