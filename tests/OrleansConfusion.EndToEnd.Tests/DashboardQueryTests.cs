using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// Every query of the shipped dashboard, run against the real Prometheus that scraped the monitored sweep,
/// and its answer checked against what the sweep did: the coordinator's trial counts, the measurement
/// costs and confusion values in metrics.parquet, the one silo. A panel with no check here fails the test.
/// Template variables get what Grafana would give them: $sweep the sweep's name, $__range and
/// $__rate_interval a window that holds the whole sweep.
/// </summary>
[Collection(MonitoredSweepCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class DashboardQueryTests(MonitoredSweepFixture sweep)
{
    const string Window = "10m";
    const double WindowSeconds = 600;
    static readonly string DashboardPath = RepoPaths.File("k8s", "grafana", "dashboards", "orleansconfusion.json");
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Every_panel_query_matches_what_the_sweep_did()
    {
        var facts = SweepFacts.Read(sweep.WatchOutput);
        var live = SweepFacts.Read(sweep.LiveWatchOutput);
        // Counts, rates and quantiles need a scrape before the sweep and one after it, which the fixture
        // guarantees (it waits for each); none need a scrape during it, which a fast machine may not give a
        // sweep under a second long. The per-trial gauges are checked on the live sweep, whose trial the
        // fixture kept training until Prometheus held them.
        int before = await ScrapesBetweenAsync(facts.StartedAt.AddMinutes(-10), facts.StartedAt);
        int after = await ScrapesBetweenAsync(facts.FinishedAt, DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.True(before >= 1 && after >= 1, $"Prometheus scraped the silo successfully {before} time(s) before the sweep and {after} after it ({facts.StartedAt:O} to {facts.FinishedAt:O})");
        var failures = new List<string>();
        var panels = JsonNode.Parse(File.ReadAllText(DashboardPath))!["panels"]!.AsArray().Select(p => p!)
            .Where(p => p["targets"] is JsonArray { Count: > 0 }).ToList();
        Assert.True(panels.Count >= 12, $"only {panels.Count} panels with queries");

        foreach (var panel in panels)
        {
            string title = panel["title"]!.GetValue<string>();
            foreach (var target in panel["targets"]!.AsArray().Select(t => t!))
            {
                string refId = target["refId"]!.GetValue<string>();
                string expr = Expand(target["expr"]!.GetValue<string>());
                try
                {
                    await CheckAsync(title, refId, expr, facts, live);
                }
                catch (Exception e) when (e is Xunit.Sdk.XunitException or InvalidOperationException or KeyNotFoundException)
                {
                    failures.Add($"{title} [{refId}] {expr}\n    {e.Message.ReplaceLineEndings("\n    ")}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures) + "\n" + sweep.Prometheus.Tail());
    }

    [Fact]
    public async Task The_sweep_variable_offers_the_sweep()
    {
        var url = $"http://127.0.0.1:{sweep.Prometheus.Port}/api/v1/label/sweep/values?match[]={Uri.EscapeDataString("orleansconfusion_trials")}";
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
        var values = doc.RootElement.GetProperty("data").EnumerateArray().Select(v => v.GetString()).ToList();
        Assert.Contains(MonitoredSweepFixture.SweepName, values);
    }

    /// <summary>The per-trial gauges were exported while the trials ran and are gone from the silo's /metrics now.</summary>
    [Fact]
    public async Task Ended_trials_leave_the_silos_metrics()
    {
        string[] gauges = ["orleansconfusion_trial_min_cosine", "orleansconfusion_trial_eta"];
        Assert.All(gauges, g => Assert.Contains(g, sweep.ScrapedNames));

        var status = SweepFacts.Read(sweep.WatchOutput);
        Assert.Equal(sweep.Trials, status.Completed);
        var scrape = await sweep.Silo.ScrapeAsync();
        var left = scrape.Split('\n').Where(line => gauges.Any(g => line.StartsWith(g + "{", StringComparison.Ordinal) || line.StartsWith(g + " ", StringComparison.Ordinal))).ToList();
        Assert.True(left.Count == 0, "after the sweep, /metrics still lists:\n" + string.Join('\n', left));

        // Prometheus marked them stale at its first scrape without them: nothing at "now", for either sweep.
        foreach (var gauge in gauges)
        foreach (var name in new[] { MonitoredSweepFixture.SweepName, MonitoredSweepFixture.LiveSweepName })
            Assert.Empty(await sweep.Prometheus.QueryAsync($"{gauge}{{sweep=\"{name}\"}}"));
    }

    /// <summary>
    /// Every histogram the silo exports has bounds across its real range, in its own unit: ours in seconds from
    /// 100 µs to 10 min, Orleans' in milliseconds from 50 µs to its 30 s response timeout. OpenTelemetry's
    /// default bounds (0, 5 … 10000) put every measurement, and every local grain call, in the first bucket.
    /// </summary>
    [Fact]
    public async Task Every_duration_histogram_has_buckets_across_its_range()
    {
        var scrape = (await sweep.Silo.ScrapeAsync()).Split('\n');
        var histograms = scrape.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal) && l.EndsWith(" histogram", StringComparison.Ordinal))
            .Select(l => l.Split(' ')[2]).ToList();
        Assert.Contains("orleansconfusion_measurement_duration_seconds", histograms);
        Assert.Contains("orleans_app_requests_latency_milliseconds", histograms);

        var wrong = new List<string>();
        // Message sizes are no durations; every other histogram is one and must say its unit.
        foreach (var name in histograms.Where(n => !n.EndsWith("_bytes", StringComparison.Ordinal)))
        {
            var bounds = scrape.Where(l => l.StartsWith(name + "_bucket{", StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf("le=\"", StringComparison.Ordinal) + 4)..])
                .Select(le => le[..le.IndexOf('"')])
                .Where(le => le != "+Inf")
                .Select(le => double.Parse(le, CultureInfo.InvariantCulture))
                .Distinct().Order().ToList();
            (double First, double Last)? range = name.EndsWith("_seconds", StringComparison.Ordinal) ? (0.0001, 600)
                : name.EndsWith("_milliseconds", StringComparison.Ordinal) ? (0.05, 30000)
                : null;
            if (range is null) wrong.Add($"{name}: no unit suffix this test knows");
            else if (bounds.Count == 0 || bounds.Where(b => b > 0).DefaultIfEmpty(double.NaN).First() > range.Value.First || bounds[^1] < range.Value.Last)
                wrong.Add($"{name}: bounds {string.Join(", ", bounds)}; want {range.Value.First} to {range.Value.Last}");
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    async Task CheckAsync(string title, string refId, string expr, SweepFacts facts, SweepFacts live)
    {
        switch (title, refId)
        {
            case ("Trials by state", _):
            {
                var byState = ByLabel(await QueryAsync(expr), "state");
                Assert.Equal(facts.Trials, byState["completed"]);
                Assert.All(byState.Where(s => s.Key != "completed"), s => Assert.True(s.Value == 0, $"{s.Key} = {s.Value}"));
                break;
            }
            case ("Trials finished", _):
            {
                var byState = ByLabel(await QueryAsync(expr), "state");
                Assert.Equal(new Dictionary<string, double> { ["completed"] = facts.Trials, ["diverged"] = 0, ["failed"] = 0, ["cancelled"] = 0 }, byState);
                break;
            }
            case ("Trial attempts started", _):
            {
                var started = Assert.Single(await QueryAsync(expr)).Value;
                double counted = SiloCounter(await sweep.Silo.ScrapeAsync(), "orleansconfusion_trials_started_total");
                Assert.True(started == counted && started >= facts.Trials, $"panel {started}, silo's counter {counted}, trials {facts.Trials}");
                break;
            }
            case ("Throughput", "A" or "B"):
            {
                // A rate over the window: its increase can be extrapolated a little past the real total, never far.
                double total = facts.Trials * (double)SweepSpecs.StepsPerTrial * (refId == "A" ? 1 : facts.BatchSize);
                var series = Assert.Single(await QueryAsync(expr));
                Assert.Equal("cpu", series.Labels["device"]);
                double increase = series.Value * WindowSeconds;
                Assert.True(increase > 0 && increase <= 1.5 * total, $"{increase} over the window against {total} trained");
                break;
            }
            case ("Measurement cost (p50, p95)", "A" or "B"):
            {
                var quantiles = ByLabel(await QueryAsync(expr), "kind");
                Assert.Equal(["paper", "per_sample"], quantiles.Keys.Order());
                foreach (var (kind, value) in quantiles)
                {
                    var (min, max, _) = facts.Cost[kind];
                    // histogram_quantile interpolates inside a bucket: allow one 1-2-5 bucket step either side.
                    Assert.True(value >= min / 2.5 && value <= max * 2.5, $"{kind}: {value} s, measured {min}..{max} s");
                }
                break;
            }
            case ("Measurement cost (p50, p95)", "C"):
            {
                var perSecond = ByLabel(await QueryAsync(expr), "kind");
                foreach (var (kind, value) in perSecond)
                {
                    double measured = facts.Cost[kind].Sum;
                    Assert.True(value * WindowSeconds > 0 && value * WindowSeconds <= 1.5 * measured, $"{kind}: {value * WindowSeconds} s over the window, {measured} s measured");
                }
                Assert.Equal(["paper", "per_sample"], perSecond.Keys.Order());
                break;
            }
            case ("Min pairwise cosine by width", _):
                await CheckGaugePanelAsync(OnLiveSweep(expr), "min_over_time", "width", live.MinCosineByWidth);
                break;
            case ("Min pairwise cosine by depth", _):
                await CheckGaugePanelAsync(OnLiveSweep(expr), "min_over_time", "depth", live.MinCosineByDepth);
                break;
            case ("η (confusion bound)", _):
                await CheckGaugePanelAsync(OnLiveSweep(expr), "max_over_time", "width", live.EtaByWidth);
                break;
            case ("Silo memory", _):
            {
                var byKind = ByLabel(await QueryAsync(expr), "kind");
                Assert.Equal(["gc_heap", "working_set"], byKind.Keys.Order());
                Assert.InRange(byKind["working_set"], 50e6, 64e9); // a silo with libtorch loaded
                Assert.InRange(byKind["gc_heap"], 1e6, byKind["working_set"]);
                break;
            }
            case ("Activations per silo", _):
                Assert.InRange(Assert.Single(await QueryAsync(expr)).Value, 1, 100_000);
                break;
            case ("Grain request latency (p50, p99)", _):
                // Milliseconds; a grain call answers well inside Orleans' 30 s response timeout.
                Assert.InRange(Assert.Single(await QueryAsync(expr)).Value, 0, 30_000);
                break;
            case ("Silos in cluster", _):
                Assert.Equal(1, Assert.Single(await QueryAsync(expr)).Value);
                break;
            case ("GPU utilisation" or "GPU memory used", _):
                // DCGM's exporter runs only beside GPUs: nothing here, and the panel must not pretend otherwise.
                Assert.Empty(await QueryAsync(expr));
                break;
            default:
                throw new InvalidOperationException("no check for this panel: add one to DashboardQueryTests");
        }
    }

    /// <summary>
    /// A per-running-trial panel, on the live sweep: over the window (a subquery), series only for label values
    /// the sweep had, each inside the range its metrics.parquet holds for it; and nothing now that its trial
    /// ended. The fixture cancelled that trial only once Prometheus held its gauges, so they were seen on any
    /// machine; the monitored sweep's own trials may train for less than a scrape interval.
    /// </summary>
    async Task CheckGaugePanelAsync(string expr, string overTime, string label, IReadOnlyDictionary<string, (double Min, double Max)> measured)
    {
        var seen = ByLabel(await QueryAsync($"{overTime}(({expr})[{Window}:1s])"), label);
        Assert.True(seen.Count > 0, $"Prometheus never saw a series while the trials ran; measured {label}s: {string.Join(", ", measured.Keys)}");
        Assert.Subset(measured.Keys.ToHashSet(StringComparer.Ordinal), seen.Keys.ToHashSet(StringComparer.Ordinal));
        foreach (var (value, (min, max)) in seen.Select(s => (s.Value, measured[s.Key])))
            Assert.True(value >= min - 1e-9 && value <= max + 1e-9, $"{label}: {value}, measured {min}..{max}");
        var now = await QueryAsync(expr);
        Assert.True(now.Count == 0, "still shown after the sweep: " + string.Join(", ", now.Select(s => $"{string.Join(',', s.Labels)}={s.Value}")));
    }

    /// <summary>Successful scrapes (`up` = 1; a scrape past its 1 s timeout gives 0) between two instants, from the raw samples.</summary>
    async Task<int> ScrapesBetweenAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var url = $"http://127.0.0.1:{sweep.Prometheus.Port}/api/v1/query?query={Uri.EscapeDataString($"up[{Window}]")}";
        using var doc = JsonDocument.Parse(await Http.GetStringAsync(url));
        return doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .SelectMany(series => series.GetProperty("values").EnumerateArray())
            .Where(sample => sample[1].GetString() == "1")
            .Select(sample => DateTimeOffset.FromUnixTimeMilliseconds((long)(sample[0].GetDouble() * 1000)))
            .Count(at => at >= from && at <= to);
    }

    async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string expr)
    {
        var result = await sweep.Prometheus.QueryAsync(expr);
        Assert.All(result, s => Assert.False(double.IsNaN(s.Value), $"NaN for {string.Join(',', s.Labels)}"));
        return result;
    }

    static Dictionary<string, double> ByLabel(IReadOnlyList<(Dictionary<string, string> Labels, double Value)> result, string label) =>
        result.ToDictionary(s => s.Labels.GetValueOrDefault(label, ""), s => s.Value, StringComparer.Ordinal);

    /// <summary>This sweep's series of a counter in the silo's own /metrics, summed.</summary>
    static double SiloCounter(string scrape, string name) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) && line.Contains($"sweep=\"{MonitoredSweepFixture.SweepName}\"", StringComparison.Ordinal))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    /// <summary>A panel's query, expanded for the monitored sweep, pointed at the live sweep instead.</summary>
    static string OnLiveSweep(string expr) =>
        expr.Replace($"\"{MonitoredSweepFixture.SweepName}\"", $"\"{MonitoredSweepFixture.LiveSweepName}\"", StringComparison.Ordinal);

    static string Expand(string expr) => expr
        .Replace("$__rate_interval", Window, StringComparison.Ordinal)
        .Replace("$__range", Window, StringComparison.Ordinal)
        .Replace("$sweep", MonitoredSweepFixture.SweepName, StringComparison.Ordinal);

    /// <summary>What the sweep did, from `watch --json` (the coordinator's counts) and its metrics.parquet (DuckDB).</summary>
    sealed record SweepFacts(
        int Trials,
        int Completed,
        DateTimeOffset StartedAt,
        DateTimeOffset FinishedAt,
        int BatchSize,
        IReadOnlyDictionary<string, (double Min, double Max, double Sum)> Cost,
        IReadOnlyDictionary<string, (double Min, double Max)> MinCosineByWidth,
        IReadOnlyDictionary<string, (double Min, double Max)> MinCosineByDepth,
        IReadOnlyDictionary<string, (double Min, double Max)> EtaByWidth)
    {
        public static SweepFacts Read(string watchJson)
        {
            // The runner's capture starts with a "--- confusion watch … ---" header line; the JSON follows.
            int start = watchJson.IndexOf("\n{", StringComparison.Ordinal);
            var status = (start < 0 ? null : JsonNode.Parse(watchJson[(start + 1)..])?["status"])
                ?? throw new InvalidOperationException("watch --json printed no status:\n" + watchJson);
            string directory = status["output_directory"]!.GetValue<string>();
            string metrics = DatasetFiles.Glob(directory, DatasetLayout.Metrics);
            if (DatasetFiles.Of(directory, DatasetLayout.Metrics).Count == 0) throw new InvalidOperationException($"no part in {metrics} (from watch --json's status.output_directory)");

            using var db = new DuckDBConnection("Data Source=:memory:");
            db.Open();
            string from = $"FROM read_parquet('{metrics}')";
            // The measurement-duration histogram has no sweep label (it is per kind), so it holds every measurement
            // this silo took: the live sweep's, which the fixture ran and cancelled first, as well as this sweep's.
            string liveDirectory = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory))!, MonitoredSweepFixture.LiveSweepName);
            string live = DatasetFiles.Glob(liveDirectory, DatasetLayout.Metrics);
            if (DatasetFiles.Of(liveDirectory, DatasetLayout.Metrics).Count == 0) throw new InvalidOperationException($"no part in {live}: the live sweep's measurements count in the histograms too");
            string everything = live == metrics ? from : $"FROM read_parquet(['{metrics}', '{live}'], union_by_name = true)";
            // The gauges show the per-sample values when a row has them, else the paper protocol's.
            const string cosine = "coalesce(per_sample_min_cosine, paper_min_cosine)";
            return new SweepFacts(
                status["total"]!.GetValue<int>(),
                status["completed"]!.GetValue<int>(),
                DateTimeOffset.Parse(status["started_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(status["finished_at"]!.GetValue<string>(), CultureInfo.InvariantCulture),
                checked((int)Rows(db, $"SELECT max(batch_size) {from}").Single()[0]),
                new Dictionary<string, (double, double, double)>
                {
                    ["paper"] = Triple(Rows(db, $"SELECT min(paper_seconds), max(paper_seconds), sum(paper_seconds) {everything} WHERE paper_pairs IS NOT NULL").Single()),
                    ["per_sample"] = Triple(Rows(db, $"SELECT min(per_sample_seconds), max(per_sample_seconds), sum(per_sample_seconds) {everything} WHERE per_sample_m IS NOT NULL").Single()),
                },
                Ranges(db, $"SELECT CAST(width AS VARCHAR), min({cosine}), max({cosine}) {from} WHERE {cosine} IS NOT NULL GROUP BY width"),
                Ranges(db, $"SELECT CAST(depth AS VARCHAR), min({cosine}), max({cosine}) {from} WHERE {cosine} IS NOT NULL GROUP BY depth"),
                Ranges(db, $"SELECT CAST(width AS VARCHAR), min(eta), max(eta) {from} WHERE eta IS NOT NULL GROUP BY width"));
        }

        static (double, double, double) Triple(double[] row) => (row[0], row[1], row[2]);

        static Dictionary<string, (double, double)> Ranges(DuckDBConnection db, string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var ranges = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
            while (reader.Read()) ranges[reader.GetString(0)] = (Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture), Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture));
            if (ranges.Count == 0) throw new InvalidOperationException("metrics.parquet has no rows for: " + sql);
            return ranges;
        }

        static List<double[]> Rows(DuckDBConnection db, string sql)
        {
            using var command = db.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            var rows = new List<double[]>();
            while (reader.Read())
                rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i)
                    ? throw new InvalidOperationException("null in: " + sql)
                    : Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture)).ToArray());
            return rows;
        }
    }
}
