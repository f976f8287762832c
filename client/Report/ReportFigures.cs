using ScottPlot;

namespace OrleansConfusion.Cli.Report;

/// <summary>
/// Draws the report's figures with ScottPlot, each as PNG and as SVG beside it (for papers): only those
/// the sweep's axes allow. Each method returns the file names it wrote (relative to the output folder) with a caption.
/// </summary>
internal sealed class ReportFigures(SweepData data, string outputDirectory)
{
    public const int Width = 900;
    public const int Height = 600;

    public const float TitleSize = 14;

    /// <summary>Title lines keep this far from the figure's edges (the final layout may shift the data area by a few pixels).</summary>
    public const int TitleMargin = 12;

    /// <summary>At most this many slices get their own figures per axis; the rest are named in the notes.</summary>
    public const int MaxSlices = 4;

    /// <summary>At most this many slices are drawn as separate lines in one η figure.</summary>
    public const int MaxSeries = 8;

    static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    readonly List<ReportFigure> _figures = [];
    readonly List<string> _notes = [];

    public IReadOnlyList<ReportFigure> Figures => _figures;
    public IReadOnlyList<string> Notes => _notes;

    string MinCosineLabel => MinCosineLabelFor(data);

    internal static string MinCosineLabelFor(SweepData data) => data.MinCosineColumn switch
    {
        "paper_allpairs_min_cosine" => "min pairwise cosine (paper protocol, all pairs of mini-batches)",
        "paper_min_cosine" => "min pairwise cosine (paper protocol, mini-batch pairs)",
        _ => "min pairwise cosine (per-sample)",
    };

    public void DrawAll()
    {
        foreach (string axis in new[] { SweepAxes.Width, SweepAxes.Depth })
        {
            if (!data.VaryingAxes.Contains(axis)) continue;
            var slices = Slice.Along(data.Trials, axis, data.VaryingAxes);
            if (slices.Count > MaxSlices)
                _notes.Add($"Curves by {axis}: {slices.Count} slices of the other axes; figures drawn for the first {MaxSlices} only ({string.Join("; ", slices.Skip(MaxSlices).Select(s => s.HeldFixed))} left out).");
            for (int i = 0; i < Math.Min(slices.Count, MaxSlices); i++)
            {
                string suffix = slices.Count > 1 ? $"-{i + 1}" : "";
                var slice = slices[i];
                if (data.MinCosineColumn is not null)
                    EpochCurves(slice, $"min-cosine-vs-epoch-by-{axis}{suffix}.png", t => t.MinCosineByEpoch, MinCosineLabel, "Minimum pairwise cosine vs epoch");
                if (data.LossColumn is not null)
                    EpochCurves(slice, $"train-loss-vs-epoch-by-{axis}{suffix}.png", t => t.TrainLossByEpoch,
                        data.LossColumn == "train_loss" ? "training loss (evaluation subset)" : "SGD mini-batch loss", "Training loss vs epoch");
                if (data.HistogramColumn is not null)
                    Density(slice, $"cosine-density-by-{axis}{suffix}.png");
            }
            if (data.HasEta && slices.Count > 0)
                FinalVsAxis(slices.Take(MaxSeries).ToList(), axis, TrendStatistic.FinalEta, $"eta-vs-{axis}.png",
                    $"Confusion bound η at the end of training vs {axis}", "η = −min pairwise gradient inner product (per-sample)");
        }

        if (data.VaryingAxes.Contains(SweepAxes.Depth) && data.VaryingAxes.Contains(SweepAxes.BatchNorm) && data.VaryingAxes.Contains(SweepAxes.Skip))
            BatchNormSkipGrid();
        if (data.VaryingAxes.Contains(SweepAxes.Depth) && data.VaryingAxes.Contains(SweepAxes.Init))
            LinearInitComparison();
        // The summary page needs a width or depth axis: every finding is a trend along one of them.
        if ((data.MinCosineColumn is not null || data.HasEta) && (data.VaryingAxes.Contains(SweepAxes.Width) || data.VaryingAxes.Contains(SweepAxes.Depth)))
            _figures.Add(SummaryFigure.Draw(data, outputDirectory));
    }

    void BatchNormSkipGrid()
    {
        // One figure per setting of the remaining axes; within it, one line per bn × skip combination.
        var slices = Slice.Along(data.Trials, SweepAxes.Depth, data.VaryingAxes);
        var panels = slices.GroupBy(s => SweepAxes.Describe(s.Fixed, data.VaryingAxes.Where(a => a is not (SweepAxes.BatchNorm or SweepAxes.Skip))))
            .Where(g => g.Count() >= 2).ToList();
        for (int i = 0; i < Math.Min(panels.Count, MaxSlices); i++)
        {
            string suffix = panels.Count > 1 ? $"-{i + 1}" : "";
            var lines = panels[i].OrderBy(s => (s.FixedValue(SweepAxes.BatchNorm), s.FixedValue(SweepAxes.Skip))).ToList();
            string held = panels[i].Key.Length > 0 ? panels[i].Key : "all other axes as in the sweep";
            if (data.HasEta)
                Lines(lines, SweepAxes.Depth, TrendStatistic.FinalEta, $"bn-skip-eta-vs-depth{suffix}.png",
                    "Batch norm × skip: η at the end of training vs depth", held, "η (per-sample)", TrendAnalysis.Combination);
            if (data.MinCosineColumn is not null)
                Lines(lines, SweepAxes.Depth, TrendStatistic.FinalMinCosine, $"bn-skip-min-cosine-vs-depth{suffix}.png",
                    "Batch norm × skip: final min cosine vs depth", held, MinCosineLabel, TrendAnalysis.Combination);
        }
    }

    void LinearInitComparison()
    {
        var linear = data.Trials.Where(t => t.Trial[SweepAxes.Activation] == "identity").ToList();
        if (!linear.Any(t => t.Trial[SweepAxes.Init] == "orthogonal") || linear.Select(t => t.Trial[SweepAxes.Init]).Distinct().Count() < 2)
            return;
        var slices = Slice.Along(linear, SweepAxes.Depth, data.VaryingAxes);
        var panels = slices.GroupBy(s => SweepAxes.Describe(s.Fixed, data.VaryingAxes.Where(a => a is not (SweepAxes.Init or SweepAxes.Activation))))
            .Where(g => g.Count() >= 2 && g.Any(s => s.FixedValue(SweepAxes.Init) == "orthogonal")).ToList();
        for (int i = 0; i < Math.Min(panels.Count, MaxSlices); i++)
        {
            string suffix = panels.Count > 1 ? $"-{i + 1}" : "";
            var lines = panels[i].OrderBy(s => s.FixedValue(SweepAxes.Init) == "orthogonal" ? 0 : 1).ThenBy(s => s.FixedValue(SweepAxes.Init)).ToList();
            string held = "activation=identity (deep linear)" + (panels[i].Key.Length > 0 ? ", " + panels[i].Key : "");
            if (data.HasEta)
                Lines(lines, SweepAxes.Depth, TrendStatistic.FinalEta, $"linear-init-eta-vs-depth{suffix}.png",
                    "Deep linear network: η at the end of training vs depth, by init", held, "η (per-sample)", s => s.FixedValue(SweepAxes.Init));
            if (data.MinCosineColumn is not null)
                Lines(lines, SweepAxes.Depth, TrendStatistic.FinalMinCosine, $"linear-init-min-cosine-vs-depth{suffix}.png",
                    "Deep linear network: final min cosine vs depth, by init", held, MinCosineLabel, s => s.FixedValue(SweepAxes.Init));
        }
    }

    void EpochCurves(Slice slice, string file, Func<TrialSummary, IReadOnlyDictionary<int, double>> series, string yLabel, string title)
    {
        var plot = new Plot();
        for (int i = 0; i < slice.Groups.Count; i++)
        {
            var group = slice.Groups[i];
            var epochs = group.Trials.SelectMany(t => series(t).Keys).Distinct().Order().ToArray();
            var xs = new List<double>();
            var means = new List<double>();
            var lows = new List<double>();
            var highs = new List<double>();
            foreach (int epoch in epochs)
            {
                var values = group.Trials.Select(t => series(t).TryGetValue(epoch, out double v) ? v : double.NaN).Where(double.IsFinite).ToList();
                if (values.Count == 0) continue;
                double mean = RankStatistics.Mean(values), sd = RankStatistics.StandardDeviation(values);
                xs.Add(epoch);
                means.Add(mean);
                lows.Add(mean - sd);
                highs.Add(mean + sd);
            }
            if (xs.Count == 0) continue;
            var color = Palette.GetColor(i);
            if (xs.Count > 1)
            {
                var band = plot.Add.FillY([.. xs], [.. lows], [.. highs]);
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(xs.ToArray(), means.ToArray(), color);
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = $"{SweepAxes.Describe(slice.Axis, group.Value)} (n={group.Trials.Count})";
        }
        Finish(plot, file, $"{title}, by {slice.Axis}", Subtitle(slice.HeldFixed, slice.Groups), "epoch", yLabel,
            p => p.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true });
    }

    void Density(Slice slice, string file)
    {
        var plot = new Plot();
        int drawn = 0;
        for (int i = 0; i < slice.Groups.Count; i++)
        {
            var group = slice.Groups[i];
            var densities = group.Trials.Select(t => t.FinalDensity).OfType<double[]>().ToList();
            if (densities.Count == 0) continue;
            int bins = densities.GroupBy(d => d.Length).OrderByDescending(g => g.Count()).First().Key;
            densities = [.. densities.Where(d => d.Length == bins)];
            var xs = Enumerable.Range(0, bins).Select(b => -1 + (b + 0.5) * 2.0 / bins).ToArray();
            var mean = Enumerable.Range(0, bins).Select(b => densities.Average(d => d[b])).ToArray();
            var line = plot.Add.Scatter(xs, mean, Palette.GetColor(i));
            line.LineWidth = 2;
            line.MarkerSize = 3;
            line.LegendText = $"{SweepAxes.Describe(slice.Axis, group.Value)} (n={densities.Count})";
            drawn++;
        }
        if (drawn == 0) return;
        string source = data.HistogramColumn switch
        {
            "paper_allpairs_histogram" => "all-pairs paper protocol",
            "paper_histogram" => "paper protocol",
            _ => "per-sample",
        };
        string held = slice.HeldFixed.Length > 0 ? slice.HeldFixed : "all other axes fixed";
        Finish(plot, file, $"Pairwise cosine density at the end of training, by {slice.Axis}",
            $"{held}; {source} histogram at the last measurement, mean density over seeds", "pairwise gradient cosine", "density",
            p => p.Axes.SetLimitsX(-1, 1));
    }

    void FinalVsAxis(IReadOnlyList<Slice> slices, string axis, TrendStatistic statistic, string file, string title, string yLabel)
    {
        string held = slices.Count == 1 ? slices[0].HeldFixed : "one line per setting of the other axes";
        Lines(slices, axis, statistic, file, title, held, yLabel, s => s.HeldFixed.Length > 0 ? s.HeldFixed : "all trials");
    }

    /// <summary>Mean ± 1 std over seeds of a final statistic against an axis (as categories), one line per slice.</summary>
    void Lines(IReadOnlyList<Slice> slices, string axis, TrendStatistic statistic, string file, string title, string held, string yLabel, Func<Slice, string> label)
    {
        var plot = new Plot();
        var categories = AddLines(plot, slices, axis, statistic, label);
        if (categories is null) return;
        Finish(plot, file, title, $"{(held.Length > 0 ? held : "all trials")}; mean ± 1 std over seeds", axis, yLabel,
            p => p.Axes.SetLimitsX(-0.5, categories.Count - 0.5));
    }

    /// <summary>
    /// Adds one line per slice to <paramref name="plot"/>: mean ± 1 std over seeds of a final statistic at each
    /// axis value, the values as categories. Returns the categories, or null when no slice had a value.
    /// </summary>
    internal static List<string>? AddLines(Plot plot, IReadOnlyList<Slice> slices, string axis, TrendStatistic statistic, Func<Slice, string> label)
    {
        var categories = SweepAxes.Sort(axis, slices.SelectMany(s => s.Groups.Select(g => g.Value)).Distinct()).ToList();
        int drawn = 0;
        for (int i = 0; i < slices.Count; i++)
        {
            var points = slices[i].Groups
                .Select(g => (X: categories.IndexOf(g.Value), Values: g.Trials.Select(t => t.Statistic(statistic)).OfType<double>().ToList()))
                .Where(p => p.Values.Count > 0)
                .ToList();
            if (points.Count == 0) continue;
            double offset = slices.Count > 1 ? (i - (slices.Count - 1) / 2.0) * 0.04 : 0;
            double[] xs = [.. points.Select(p => p.X + offset)];
            double[] ys = [.. points.Select(p => RankStatistics.Mean(p.Values))];
            double[] errors = [.. points.Select(p => RankStatistics.StandardDeviation(p.Values))];
            var color = Palette.GetColor(i);
            var bars = plot.Add.ErrorBar(xs, ys, errors);
            bars.Color = color;
            var line = plot.Add.Scatter(xs, ys, color);
            line.LineWidth = 2;
            line.MarkerSize = 7;
            int lo = points.Min(p => p.Values.Count), hi = points.Max(p => p.Values.Count);
            line.LegendText = $"{label(slices[i])} (n={(lo == hi ? $"{lo}" : $"{lo}–{hi}")})";
            drawn++;
        }
        if (drawn == 0) return null;
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        return categories;
    }

    static string Subtitle(string held, IReadOnlyList<AxisGroup> groups)
    {
        var counts = groups.Select(g => g.Trials.Count).ToList();
        string seeds = counts.Min() == counts.Max() ? $"{counts.Min()} seeds" : $"{counts.Min()}–{counts.Max()} seeds";
        return $"{(held.Length > 0 ? held : "all other axes fixed")}; mean ± 1 std over {seeds}";
    }

    void Finish(Plot plot, string file, string title, string subtitle, string xLabel, string yLabel, Action<Plot>? adjust = null)
    {
        plot.XLabel(xLabel, 13);
        plot.YLabel(yLabel, 13);
        plot.ShowLegend(Edge.Right);
        adjust?.Invoke(plot);
        // ScottPlot centres each title line over the data area, which the legend on the right pushes left, and
        // clips what spills past the figure's edge ("ll other axes fixed"). Its FullFigureCenter does not help:
        // with a right legend it centres further left still (ScottPlot 5.1.59, measured). So lay the plot out
        // once to find the data area's centre, and wrap every line to fit on both sides of it.
        plot.Title(title, TitleSize);
        plot.RenderInMemory(Width, Height);
        var data = plot.RenderManager.LastRender.DataRect;
        float centre = (data.Left + data.Right) / 2;
        float room = 2 * Math.Min(centre, Width - centre) - 2 * TitleMargin;
        plot.Title(string.Join("\n", FitLines(plot.Axes.Title.Label, [title, subtitle], TitleSize, room)), TitleSize);
        plot.SavePng(Path.Combine(outputDirectory, file), Width, Height);
        plot.SaveSvg(Path.Combine(outputDirectory, SvgFile(file)), Width, Height);
        _figures.RemoveAll(f => f.File == file);
        _figures.Add(new ReportFigure(file, $"{title} ({subtitle})"));
    }

    /// <summary>The SVG written beside a PNG figure.</summary>
    public static string SvgFile(string png) => Path.ChangeExtension(png, ".svg");

    /// <summary>
    /// Breaks each line at "; " or ", " (else at spaces) so that no line is wider than <paramref name="maxWidth"/>
    /// pixels in the title's font, as ScottPlot measures it. A single word wider than that stays whole.
    /// </summary>
    internal static IReadOnlyList<string> FitLines(LabelStyle style, IEnumerable<string> lines, float fontSize, float maxWidth)
    {
        var probe = new LabelStyle { FontName = style.FontName, FontSize = fontSize, Bold = style.Bold };
        using var paint = Paint.NewDisposablePaint();
        float WidthOf(string text)
        {
            probe.Text = text;
            return probe.Measure(paint).Width;
        }

        var result = new List<string>();
        foreach (string line in lines)
        {
            if (WidthOf(line) <= maxWidth)
            {
                result.Add(line);
                continue;
            }
            string current = "";
            foreach (string piece in Pieces(line))
            {
                string candidate = current + piece;
                if (current.Length > 0 && WidthOf(candidate.TrimEnd()) > maxWidth)
                {
                    result.Add(current.TrimEnd());
                    current = piece.TrimStart();
                }
                else current = candidate;
            }
            if (current.Trim().Length > 0) result.Add(current.TrimEnd());
        }
        return result;
    }

    /// <summary>A line cut after each "; " and ", ", and pieces still long cut after each space; joined they are the line.</summary>
    static IEnumerable<string> Pieces(string line)
    {
        int start = 0;
        for (int i = 0; i < line.Length; i++)
        {
            bool clause = (line[i] is ';' or ',') && i + 1 < line.Length && line[i + 1] == ' ';
            if (!clause) continue;
            foreach (string word in Words(line[start..(i + 2)])) yield return word;
            start = i + 2;
        }
        foreach (string word in Words(line[start..])) yield return word;
    }

    static IEnumerable<string> Words(string clause)
    {
        // Keep a clause whole when it is short; the measure decides whether it fits, so only long clauses split.
        if (clause.Length <= 40)
        {
            yield return clause;
            yield break;
        }
        int start = 0;
        for (int i = 0; i < clause.Length; i++)
            if (clause[i] == ' ')
            {
                yield return clause[start..(i + 1)];
                start = i + 1;
            }
        if (start < clause.Length) yield return clause[start..];
    }
}
