using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Thestage.Cli.Bench;

/// <summary>
/// The PNG charts of a <c>thestage bench</c> report, drawn with ScottPlot: line charts of a cost against a size (time
/// axes logarithmic, as the figures span decades) and grouped bar charts of operations.
/// </summary>
internal static class BenchCharts
{
    /// <summary>The width of every chart, in pixels.</summary>
    public const int Width = 900;

    /// <summary>The height of every chart, in pixels.</summary>
    public const int Height = 520;

    /// <summary>One line of a chart: its legend and its points.</summary>
    internal sealed record Series(string Label, double[] X, double[] Y);

    /// <summary>Draws lines through points (a marker at each) and saves the PNG.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel, IReadOnlyList<Series> series, bool logX, bool logY)
    {
        var plot = new Plot();
        foreach (Series s in series)
        {
            double[] xs = logX ? s.X.Select(Math.Log10).ToArray() : s.X;
            double[] ys = logY ? s.Y.Select(Math.Log10).ToArray() : s.Y;
            var scatter = plot.Add.Scatter(xs, ys);
            scatter.LegendText = s.Label;
            scatter.MarkerSize = 8;
            scatter.LineWidth = 2;
        }

        if (logX)
        {
            plot.Axes.Bottom.TickGenerator = LogTicks(series.SelectMany(s => s.X));
        }

        if (logY)
        {
            plot.Axes.Left.TickGenerator = LogTicks(series.SelectMany(s => s.Y));
        }

        plot.Axes.Margins(0.08, 0.12);
        Finish(plot, path, title, xLabel, yLabel, series.Count > 1);
    }

    /// <summary>
    /// Draws grouped bars — one group per category, one bar per series in each group — and saves the PNG; with
    /// <paramref name="reference"/>, a dashed horizontal line at that value.
    /// </summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<(string Label, double[] Values)> series, bool logY, double? reference = null)
    {
        var plot = new Plot();
        IPalette palette = new ScottPlot.Palettes.Category10();
        int groups = categories.Count, width = series.Count;
        double barWidth = 0.8 / width;
        for (int s = 0; s < width; s++)
        {
            var bars = new List<Bar>();
            for (int g = 0; g < groups; g++)
            {
                double value = series[s].Values[g];
                if (double.IsNaN(value) || (logY && value <= 0))
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = g - 0.4 + (barWidth * (s + 0.5)),
                    Value = logY ? Math.Log10(value) : value,
                    ValueBase = logY ? Math.Floor(LogFloor(series)) : 0,
                    Size = barWidth * 0.92,
                    FillColor = palette.GetColor(s),
                    LineWidth = 0,
                });
            }

            var plottable = plot.Add.Bars(bars);
            plottable.LegendText = series[s].Label;
            plottable.Color = palette.GetColor(s);
        }

        if (reference is double line)
        {
            var h = plot.Add.HorizontalLine(logY ? Math.Log10(line) : line);
            h.LinePattern = LinePattern.Dashed;
            h.LineColor = Colors.Black;
            h.LineWidth = 1.5f;
        }

        plot.Axes.Bottom.TickGenerator = new NumericManual(Enumerable.Range(0, groups).Select(g => (double)g).ToArray(), categories.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        if (logY)
        {
            plot.Axes.Left.TickGenerator = LogTicks(series.SelectMany(s => s.Values).Append(reference ?? double.NaN));
        }

        plot.Axes.Margins(bottom: 0);
        Finish(plot, path, title, null, yLabel, series.Count > 1);
    }

    private static double LogFloor(IReadOnlyList<(string Label, double[] Values)> series) =>
        series.SelectMany(s => s.Values).Where(v => v > 0).Select(Math.Log10).DefaultIfEmpty(0).Min();

    // Ticks of a logarithmic axis (the plotted values are log10 of the figures), labelled with the figures: 1, 1.5, 2, 3,
    // 4, 5, 7 in a decade when the data spans less than one decade, 1-2-5 when less than three (or one value), else the
    // decades.
    private static NumericManual LogTicks(IEnumerable<double> values)
    {
        double[] logs = values.Where(v => v > 0 && double.IsFinite(v)).Select(Math.Log10).ToArray();
        double span = logs.Length == 0 ? 0 : logs.Max() - logs.Min();
        int low = logs.Length == 0 ? 0 : (int)Math.Floor(logs.Min()) - 1, high = logs.Length == 0 ? 1 : (int)Math.Ceiling(logs.Max()) + 1;
        double[] steps = span is > 0 and < 1 ? [1, 1.5, 2, 3, 4, 5, 7] : span < 3 ? [1, 2, 5] : [1];
        var ticks = new NumericManual();
        for (int decade = low; decade <= high; decade++)
        {
            foreach (double step in steps)
            {
                double value = step * Math.Pow(10, decade);
                ticks.AddMajor(Math.Log10(value), value.ToString(value >= 10 ? "#,0" : "0.#####", CultureInfo.InvariantCulture));
            }

            if (steps.Length == 1)
            {
                for (int minor = 2; minor <= 9; minor++)
                {
                    ticks.AddMinor(Math.Log10(minor * Math.Pow(10, decade)));
                }
            }
        }

        return ticks;
    }

    private static void Finish(Plot plot, string path, string title, string? xLabel, string yLabel, bool legend)
    {
        plot.Title(title);
        if (xLabel is not null)
        {
            plot.XLabel(xLabel);
        }

        plot.YLabel(yLabel);
        if (legend)
        {
            plot.ShowLegend(Edge.Bottom);
        }
        else
        {
            plot.HideLegend();
        }

        plot.SavePng(path, Width, Height);
    }
}
