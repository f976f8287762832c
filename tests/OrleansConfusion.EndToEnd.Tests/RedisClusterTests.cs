using DuckDB.NET.Data;
using OrleansConfusion.EndToEnd.Tests.Infrastructure;

namespace OrleansConfusion.EndToEnd.Tests;

/// <summary>
/// Three silo processes clustered through a real redis-server; one is SIGKILLed while it trains.
/// Every trial must still complete, and the output must hold each measurement exactly once.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class RedisClusterTests : IDisposable
{
    const string SweepName = "e2e-redis-kill";
    static readonly int[] Widths = [8, 16, 32, 64];

    // Long enough in steps that even a fast machine trains each trial over many 100 ms reports, so the
    // victim below is found inside its window on any machine (600 steps took 0.2 s on a fast one).
    const int Steps = 3000;
    const int MeasureEvery = 250;

    readonly TempDirectory _dir = new("oc-e2e-redis-");
    readonly List<IDisposable> _processes = [];

    [Fact]
    public async Task A_killed_silos_trials_complete_elsewhere_and_rows_are_not_duplicated()
    {
        var redis = Own(await RedisServer.StartAsync());
        var env = SiloProcess.FailoverSettings(_dir.Path);
        var silos = new List<SiloProcess>();
        for (var i = 0; i < 3; i++) silos.Add(Own(await SiloProcess.StartRedisAsync($"silo{i}", redis.Port, _dir.Path, env)));

        var cluster = $"redis://127.0.0.1:{redis.Port}";
        var output = Path.Combine(_dir.Path, "runs");
        await CliRunner.RunOkAsync(TimeSpan.FromMinutes(1), "submit", SweepSpecs.Write(_dir.Path, SweepName, Widths, Steps, MeasureEvery), "--cluster", cluster, "--out", "runs");

        var victim = await FirstTrainingSiloAsync(silos, TimeSpan.FromMinutes(2));
        victim.Kill();

        // Until the dead silo is voted out, Redis still lists its gateway and a new client can give up
        // on it (exit 3, cluster unreachable); a user would rerun watch, so the test does too.
        var (exitCode, watch) = (0, "");
        for (var attempt = 0; attempt < 4; attempt++)
        {
            (exitCode, watch) = await CliRunner.RunAsync(TimeSpan.FromMinutes(4), "watch", SweepName, "--cluster", cluster, "--json");
            if (exitCode != 3) break;
        }

        Assert.True(exitCode == 0, $"watch exited {exitCode}\n{watch}\n{string.Join('\n', silos.Select(s => s.Process.Tail(30)))}");

        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        var trials = DatasetFiles.Glob(Path.Combine(output, SweepName), DatasetLayout.Trials);
        var metrics = DatasetFiles.Glob(Path.Combine(output, SweepName), DatasetLayout.Metrics);
        Assert.Equal(Widths.Length, Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE status = 'completed'"));
        string Explain() => $"killed {victim.Process.Name}\n" +
            Text(db, $"SELECT string_agg(trial_id || ' attempt ' || attempt || ' on ' || silo || ' resumed ' || coalesce(resumed_from_step::VARCHAR, '-'), '\n') FROM read_parquet('{trials}')") +
            "\n" + string.Join('\n', silos.Select(s => $"--- {s.Process.Name}\n" +
                string.Join('\n', s.Process.Output.Split('\n').Where(l => l.Contains("Trial ") || l.Contains("Sweep ")))));
        // The killed silo's trial was re-driven: it finished on a later attempt than the others.
        Assert.True(Scalar(db, $"SELECT max(attempt) FROM read_parquet('{trials}')") > 1, "no trial was re-driven: " + Explain());
        // The one it was training resumed from a checkpoint the killed silo wrote, not from scratch (see
        // FirstTrainingSiloAsync for why one was safe to use).
        Assert.True(Scalar(db, $"SELECT count(*) FROM read_parquet('{trials}') WHERE attempt > 1 AND resumed_from_step > 0") >= 1,
            "no re-driven trial resumed from a checkpoint: " + Explain());
        Assert.Equal(Widths.Length, Scalar(db, $"SELECT count(DISTINCT trial_id) FROM read_parquet('{metrics}')"));
        Assert.Equal(0, Scalar(db, $"SELECT count(*) FROM (SELECT trial_id, step FROM read_parquet('{metrics}') GROUP BY ALL HAVING count(*) > 1)"));

        // Every trial measured on the same schedule, up to its last step: nothing lost on the killed silo.
        var schedules = Text(db, $"SELECT string_agg(trial_id || ': ' || steps, '\n') FROM (SELECT trial_id, string_agg(step::VARCHAR, ',' ORDER BY step) AS steps FROM read_parquet('{metrics}') GROUP BY ALL)");
        var stepsPerTrial = Scalar(db, $"SELECT count(DISTINCT step) FROM read_parquet('{metrics}')");
        Assert.True(stepsPerTrial >= Steps / MeasureEvery, $"only {stepsPerTrial} measurement steps:\n{schedules}");
        Assert.True(Widths.Length * stepsPerTrial == Scalar(db, $"SELECT count(*) FROM read_parquet('{metrics}')"), $"trials measured at different steps:\n{schedules}");
        Assert.Equal(Widths.Length, Scalar(db, $"SELECT count(*) FROM (SELECT trial_id FROM read_parquet('{metrics}') GROUP BY ALL HAVING max(step) = {Steps})"));
    }

    public void Dispose()
    {
        // Silos before Redis: a silo leaving the cluster writes to the membership table.
        for (var i = _processes.Count - 1; i >= 0; i--) _processes[i].Dispose();
        _dir.Dispose();
    }

    T Own<T>(T process) where T : IDisposable
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>
    /// A silo that is not coordinating the sweep and is well into its first trial. Its step counter has
    /// moved at two reports, so its first rows were delivered, and it is past the second measurement (step
    /// <see cref="MeasureEvery"/>, with epoch checkpoints every <see cref="SweepSpecs.StepsPerEpoch"/> steps), so a checkpoint taken after a delivered row exists. It is
    /// below two thirds of the trial, so the trial cannot finish before the kill lands.
    /// </summary>
    static async Task<SiloProcess> FirstTrainingSiloAsync(IReadOnlyList<SiloProcess> silos, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastSteps = silos.ToDictionary(s => s, _ => 0.0);
        var moves = silos.ToDictionary(s => s, _ => 0);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var silo in silos)
            {
                var scrape = await silo.ScrapeAsync();
                var steps = PrometheusText.Sum(scrape, "orleansconfusion_trial_steps_total");
                var coordinating = scrape.Contains("orleansconfusion_trials{", StringComparison.Ordinal);
                if (steps > lastSteps[silo]) moves[silo]++;
                lastSteps[silo] = steps;
                if (moves[silo] >= 2 && steps > MeasureEvery + SweepSpecs.StepsPerEpoch && steps < Steps * 2 / 3 && !coordinating) return silo;
            }

            await Task.Delay(50);
        }

        Assert.Fail("No silo was found early in a trial.\n" + string.Join('\n', silos.Select(s => s.Process.Tail(30))));
        return silos[0];
    }

    static string Text(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar()) ?? "";
    }

    static long Scalar(DuckDBConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar());
    }
}
