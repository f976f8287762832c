using System.Globalization;
using System.Runtime.InteropServices;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;
using ParquetSharp;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// Readers that prune row groups by their column statistics must get every row a filter matches.
/// Parquet.Net 6.1.0 writes a timestamp column's statistics in milliseconds whatever the column's unit
/// (upstream issue 769): with microsecond values, DuckDB decoded them as 1970-01-21 and
/// <c>recorded_at &gt; TIMESTAMPTZ '2026-01-01'</c> returned no rows. Checked with two independent
/// readers: DuckDB's filters, and the statistics as Apache Arrow's C++ reader (ParquetSharp) decodes them.
/// </summary>
public sealed class ParquetStatisticsTests : IAsyncLifetime
{
    readonly TempDirectory _dir = new("oc-parquet-stats");
    public async Task InitializeAsync()
    {
        var plan = Enumerable.Range(0, Trials).Select(Trial).ToList();
        var (recorder, _) = await SweepRecorder.OpenAsync(plan, _dir.Path, rerunUnfinished: true, NullLogger.Instance);
        await using var _ = recorder;
        for (int t = 0; t < Trials; t++)
        {
            var trial = plan[t];
            var rows = Enumerable.Range(0, RowsPerTrial).Select(i => Row(trial, t, i)).ToArray();
            await recorder.DeliverAsync(t, rows);
            var (verdict, _) = await recorder.FinishAsync(Outcome(trial, t) with { LastMeasuredStep = rows.Max(r => r.Step) }, cancelRequested: false);
            Assert.Equal(OutcomeVerdict.Taken, verdict);
        }
        await recorder.FinishOutputAsync();
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }

    const int Trials = 6;
    const int RowsPerTrial = 5;

    public static TheoryData<string, string> TimestampColumns => new()
    {
        { DatasetLayout.Trials, "finished_at" },
        { DatasetLayout.Trials, "training_started_at" },
        { DatasetLayout.Metrics, "recorded_at" },
    };

    [Theory]
    [MemberData(nameof(TimestampColumns))]
    public void DuckDB_timestamp_filters_return_every_row(string file, string column)
    {
        string path = Part(file);
        long total = DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{path}')");
        Assert.Equal(file == DatasetLayout.Trials ? Trials : Trials * RowsPerTrial, total);

        // Every value lies in 2026 (see Timestamp); the filters are the ones a user types.
        Assert.Equal(total, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{path}') WHERE {column} > TIMESTAMPTZ '2026-01-01'"));
        Assert.Equal(total, DuckDb.Scalar<long>($"SELECT count(*) FROM read_parquet('{path}') WHERE {column} < TIMESTAMPTZ '2027-01-01'"));
        Assert.Equal(total, DuckDb.Scalar<long>(
            $"SELECT count(*) FROM read_parquet('{path}') WHERE {column} BETWEEN TIMESTAMPTZ '2026-01-01 00:00:00+00' AND TIMESTAMPTZ '2026-12-31 23:59:59+00'"));
    }

    /// <summary>
    /// Per column, the same four filters (at its minimum and maximum) counted over the Parquet file, where
    /// DuckDB may skip row groups by their statistics, and over a table copied from it by a full scan.
    /// </summary>
    [Theory]
    [InlineData(DatasetLayout.Trials)]
    [InlineData(DatasetLayout.Metrics)]
    public void DuckDB_min_and_max_filters_agree_with_a_full_scan_for_every_column(string file)
    {
        string path = Part(file);
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        Execute(connection, $"CREATE TABLE scanned AS SELECT * FROM read_parquet('{path}')");
        var columns = Query(connection, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'scanned'");

        var checkedTypes = new HashSet<string>(StringComparer.Ordinal);
        var mismatches = new List<string>();
        foreach (var (name, type) in columns.Select(c => (c[0], c[1])))
        {
            if (type.EndsWith("[]", StringComparison.Ordinal)) continue; // lists: no min/max filter on the list itself
            var bounds = Query(connection, $"SELECT CAST(min({name}) AS VARCHAR), CAST(max({name}) AS VARCHAR) FROM scanned").Single();
            Assert.True(bounds[0].Length > 0, $"{file}: column {name} holds only nulls here; give it values so its statistics are checked");
            checkedTypes.Add(type);
            foreach (var predicate in new[] { $">= {Literal(bounds[0], type)}", $"<= {Literal(bounds[1], type)}", $"= {Literal(bounds[0], type)}", $"= {Literal(bounds[1], type)}" })
            {
                long inFile = Count(connection, $"SELECT count(*) FROM read_parquet('{path}') WHERE {name} {predicate}");
                long inTable = Count(connection, $"SELECT count(*) FROM scanned WHERE {name} {predicate}");
                if (inFile != inTable || inTable == 0) mismatches.Add($"{name} {predicate}: {inFile} rows from the file, {inTable} from a full scan");
            }
        }

        Assert.True(mismatches.Count == 0, $"{file}:\n" + string.Join('\n', mismatches));
        Assert.Superset(new HashSet<string> { "VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "TIMESTAMP WITH TIME ZONE" }, checkedTypes);
    }

    /// <summary>
    /// Arrow's reader decodes each column chunk's statistics by the column's declared type and unit; they
    /// must equal the smallest and largest value it reads from the column.
    /// </summary>
    [Theory]
    [InlineData(DatasetLayout.Trials)]
    [InlineData(DatasetLayout.Metrics)]
    public void ParquetSharp_reads_statistics_equal_to_each_columns_values(string file)
    {
        using var reader = new ParquetFileReader(Part(file));
        var mismatches = new List<string>();
        int timestamps = 0, checkedColumns = 0, declined = 0;
        for (int g = 0; g < reader.FileMetaData.NumRowGroups; g++)
        {
            using var group = reader.RowGroup(g);
            long rows = group.MetaData.NumRows;
            for (int c = 0; c < reader.FileMetaData.NumColumns; c++)
            {
                var descriptor = reader.FileMetaData.Schema.Column(c);
                if (descriptor.MaxRepetitionLevel > 0) continue; // list elements
                string name = descriptor.Path.ToDotString();
                using var chunk = group.MetaData.GetColumnChunkMetaData(c);
                using var stats = chunk.Statistics;
                if (stats is null || !stats.HasMinMax)
                {
                    // Strings and booleans sort unsigned; Arrow trusts their min/max only when the file declares
                    // column orders, which Parquet.Net does not write. Arrow then prunes nothing: slower, never wrong.
                    // (DuckDB does use them; the min/max filter test above covers it.)
                    if (descriptor.PhysicalType is PhysicalType.ByteArray or PhysicalType.Boolean) declined++;
                    else mismatches.Add($"{name}: no min/max statistics");
                    continue;
                }

                using var column = group.Column(c);
                (string Min, string Max)? expected, actual;
                switch (stats)
                {
                    case Statistics<long> s when descriptor.LogicalType is TimestampLogicalType ts:
                        timestamps++;
                        var times = Values<DateTime>(column, descriptor, rows);
                        expected = (Iso(times.Min()), Iso(times.Max()));
                        actual = (Iso(FromUnix(s.Min, ts.TimeUnit)), Iso(FromUnix(s.Max, ts.TimeUnit)));
                        break;
                    case Statistics<long> s:
                        expected = Bounds(Values<long>(column, descriptor, rows));
                        actual = (s.Min.ToString(CultureInfo.InvariantCulture), s.Max.ToString(CultureInfo.InvariantCulture));
                        break;
                    case Statistics<int> s:
                        expected = Bounds(Values<int>(column, descriptor, rows));
                        actual = (s.Min.ToString(CultureInfo.InvariantCulture), s.Max.ToString(CultureInfo.InvariantCulture));
                        break;
                    case Statistics<double> s:
                        expected = Bounds(Values<double>(column, descriptor, rows));
                        actual = (s.Min.ToString("R", CultureInfo.InvariantCulture), s.Max.ToString("R", CultureInfo.InvariantCulture));
                        break;
                    case Statistics<bool> s:
                        expected = Bounds(Values<bool>(column, descriptor, rows).Select(b => b ? 1 : 0));
                        actual = ((s.Min ? 1 : 0).ToString(CultureInfo.InvariantCulture), (s.Max ? 1 : 0).ToString(CultureInfo.InvariantCulture));
                        break;
                    case Statistics<ByteArray> s:
                        var strings = column.LogicalReaderOverride<string?>().ReadAll(checked((int)rows)).OfType<string>().ToList();
                        // Parquet orders strings by their UTF-8 bytes; ordinal UTF-16 order is the same for these values.
                        expected = (strings.Min(StringComparer.Ordinal)!, strings.Max(StringComparer.Ordinal)!);
                        actual = (Utf8(s.Min), Utf8(s.Max));
                        break;
                    default:
                        mismatches.Add($"{name}: statistics of type {stats.GetType().Name} not checked");
                        continue;
                }

                checkedColumns++;
                if (expected != actual) mismatches.Add($"{name}: statistics {actual}, values {expected}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{file}:\n" + string.Join('\n', mismatches));
        Assert.Equal(file == DatasetLayout.Trials ? 2 : 1, timestamps);
        Assert.True(checkedColumns > 20, $"only {checkedColumns} columns checked ({declined} without min/max)");
    }

    static TrialSpec Trial(int t) => new()
    {
        SweepId = "stats",
        TrialId = $"trial-{t:D2}",
        Seed = 1000 + t * 7,
        Model = new ModelSpec
        {
            Architecture = t % 2 == 0 ? "mlp" : "resnet",
            Width = 8 << t,
            Depth = 2 + t % 3,
            Init = t % 3 == 0 ? "he_normal" : "lecun_normal",
            InitScale = 0.5 + t * 0.25,
            BatchNorm = t % 2 == 1,
            Skip = t % 3 == 1,
            Activation = t % 2 == 0 ? "relu" : "tanh",
            Bias = t % 4 != 0,
        },
        Dataset = new DatasetSpec { Name = t < 3 ? "sphere" : "mnist", TrainSubset = 100 * (t + 1) },
        Training = new TrainingSpec
        {
            LearningRate = 0.01 * (t + 1), Momentum = t * 0.1, WeightDecay = t * 1e-4, BatchSize = 16 << (t % 3), Epochs = 2 + t,
            Steps = 10 * t, LrDecayFactor = 0.1 + t * 0.05, TargetLoss = 0.1 * t,
        },
    };

    /// <summary>Spread over 2026, with sub-millisecond ticks so that truncation to the stored unit shows.</summary>
    static DateTime Timestamp(int t, int i) =>
        new DateTime(2026, 2 + t, 1 + i * 3, 4 + i, 5 * t, 7, DateTimeKind.Utc).AddTicks(1234 + 977 * t + 31 * i);

    /// <summary>The one part of <paramref name="kind"/> the sweep's end leaves (all its rows fit one part).</summary>
    string Part(string kind) => Assert.Single(DatasetLayout.Parts(_dir.Path, kind)).Path;

    static MeasurementRow Row(TrialSpec trial, int t, int i)
    {
        double x = (t + 1) * 0.37 + i * 0.11;
        return new MeasurementRow
        {
            TrialId = trial.TrialId, Step = i * 16L * (t + 1), Epoch = i, LearningRate = trial.Training.LearningRate / (i + 1),
            SgdLoss = 2.5 - x, TrainLoss = 2.4 - x, TrainAccuracy = 0.1 + x / 4, TestLoss = 2.6 - x, TestAccuracy = 0.09 + x / 5, WallSeconds = i * 1.25 + t,
            PaperPairs = 10 + t, PaperMinCosine = -0.9 + x / 10, PaperP05Cosine = -0.5 + x / 10, PaperMedianCosine = x / 10, PaperMeanCosine = 0.01 + x / 10,
            PaperFractionNegative = 0.4 - x / 20, PaperHistogram = [t, i, 1], PaperSeconds = 0.001 * (i + 1) + t * 1e-4,
            PaperAllPairsBatches = 20 + t, PaperAllPairsPairs = 190 + t, PaperAllPairsMinCosine = -0.95 + x / 10, PaperAllPairsP05Cosine = -0.6 + x / 10,
            PaperAllPairsMedianCosine = 0.02 + x / 10, PaperAllPairsMeanCosine = 0.03 + x / 10, PaperAllPairsFractionNegative = 0.45 - x / 20,
            PaperAllPairsHistogram = [i, t, 2], PaperAllPairsSeconds = 0.003 * (i + 1) + t * 1e-4,
            PerSampleM = 32 + t, Eta = 1.5 + x, PerSampleMinCosine = -0.8 + x / 10, PerSampleP05Cosine = -0.4 + x / 10, PerSampleMedianCosine = 0.02 + x / 10,
            PerSampleMeanCosine = 0.03 + x / 10, PerSampleFractionNegative = 0.35 - x / 20, PerSampleHistogram = [i, t, 2],
            GradNormMin = 0.1 + x, GradNormMedian = 0.2 + x, GradNormMean = 0.25 + x, GradNormMax = 0.9 + x, PerSampleSeconds = 0.002 * (i + 1) + t * 1e-4,
            RecordedAt = Timestamp(t, i),
        };
    }

    static TrialOutcome Outcome(TrialSpec trial, int t) => new()
    {
        TrialId = trial.TrialId,
        State = (TrialState)((int)TrialState.Completed + t % 2),
        TrainedSteps = 100 * (t + 1), TrainedEpochs = 2 + t,
        FinalLoss = 0.5 - t * 0.05, BestLoss = 0.4 - t * 0.05, FinalAccuracy = 0.8 + t * 0.01, BestAccuracy = 0.85 + t * 0.01, FinalTestAccuracy = 0.75 + t * 0.01,
        StepsToTargetLoss = t % 2 == 0 ? 40 * (t + 1) : null,
        WallSeconds = 3.5 + t, Silo = $"silo-{t % 3}", Device = t % 2 == 0 ? "cpu" : "cuda",
        Error = t % 2 == 1 ? $"diverged at step {t * 10}" : null,
        ParameterCount = 1000L * (t + 1) * (t + 1), Attempt = 1 + t % 2,
        ResumedFromStep = t % 3 == 2 ? 16 * t : null,
        TrainingStartedAt = Timestamp(t, 0), FinishedAt = Timestamp(t, RowsPerTrial),
    };

    static string Literal(string text, string type) => $"CAST('{text.Replace("'", "''", StringComparison.Ordinal)}' AS {type})";

    /// <summary>The non-null values of a column; Arrow's reader takes T? for optional columns and T for required ones.</summary>
    static List<T> Values<T>(ColumnReader column, ColumnDescriptor descriptor, long rows) where T : struct =>
        descriptor.MaxDefinitionLevel > 0
            ? column.LogicalReaderOverride<T?>().ReadAll(checked((int)rows)).OfType<T>().ToList()
            : column.LogicalReaderOverride<T>().ReadAll(checked((int)rows)).ToList();

    static (string, string) Bounds<T>(IEnumerable<T> values) where T : struct, IComparable<T>, IFormattable
    {
        var present = values.ToList();
        string Text(T v) => v is double d ? d.ToString("R", CultureInfo.InvariantCulture) : v.ToString(null, CultureInfo.InvariantCulture);
        return (Text(present.Min()), Text(present.Max()));
    }

    static DateTime FromUnix(long value, TimeUnit unit) => unit switch
    {
        TimeUnit.Millis => DateTime.UnixEpoch.AddMilliseconds(value),
        TimeUnit.Micros => DateTime.UnixEpoch.AddTicks(value * 10),
        TimeUnit.Nanos => DateTime.UnixEpoch.AddTicks(value / 100),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "unknown time unit"),
    };

    static string Iso(DateTime value) => value.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture);

    static string Utf8(ByteArray value)
    {
        var bytes = new byte[value.Length];
        Marshal.Copy(value.Pointer, bytes, 0, value.Length);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    static long Count(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    static List<string[]> Query(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)!).ToArray());
        return rows;
    }
}
