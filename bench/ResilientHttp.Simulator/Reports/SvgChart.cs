using System.Globalization;
using System.Net;
using System.Text;

namespace ResilientHttp.Simulator;

/// <summary>A line chart written as SVG by hand: one polyline per series, axes with a few ticks, a legend.</summary>
internal static class SvgChart
{
    private const int Width = 900;
    private const int Height = 420;
    private const int Left = 60;
    private const int Right = 230;
    private const int Top = 40;
    private const int Bottom = 50;

    private static readonly string[] Palette =
    [
        "#7f7f7f", "#d62728", "#ff9896", "#8c564b", "#c49c94", "#9467bd", "#c5b0d5", "#2ca02c", "#98df8a", "#ff7f0e", "#1f77b4", "#17becf",
    ];

    /// <summary>Renders the chart.</summary>
    /// <param name="title">The chart's title.</param>
    /// <param name="xLabel">What x is.</param>
    /// <param name="yLabel">What y is.</param>
    /// <param name="xStep">x distance between two points of a series.</param>
    /// <param name="series">Named series, all starting at x = 0.</param>
    /// <param name="marks">Vertical marks (x, label), such as an outage's start and end.</param>
    public static string Render(string title, string xLabel, string yLabel, double xStep, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, IReadOnlyList<(double X, string Label)> marks)
    {
        double xMax = Math.Max(1, series.Max(s => s.Values.Count - 1) * xStep);
        double yMax = NiceCeiling(Math.Max(1e-9, series.SelectMany(s => s.Values).DefaultIfEmpty(1).Max()));
        double plotW = Width - Left - Right;
        double plotH = Height - Top - Bottom;
        string X(double x) => F(Left + (x / xMax * plotW));
        string Y(double y) => F(Top + plotH - (Math.Min(y, yMax) / yMax * plotH));

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");

        for (int i = 0; i <= 5; i++)
        {
            double y = yMax * i / 5;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Y(y)}\" y2=\"{Y(y)}\" stroke=\"#e5e5e5\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{Y(y)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(y)}</text>\n");
        }

        double xTick = NiceCeiling(xMax / 8);
        for (double x = 0; x <= xMax + 1e-9; x += xTick)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x)}\" y=\"{Top + plotH + 18}\" text-anchor=\"middle\">{F(x)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left + plotW}\" y1=\"{Top + plotH}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Left}\" y1=\"{Top}\" y2=\"{Top + plotH}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 10}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {F(Top + (plotH / 2))})\">{Escape(yLabel)}</text>\n");

        foreach ((double x, string label) in marks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(x)}\" x2=\"{X(x)}\" y1=\"{Top}\" y2=\"{Top + plotH}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x)}\" y=\"{Top - 4}\" text-anchor=\"middle\" font-size=\"10\">{Escape(label)}</text>\n");
        }

        for (int s = 0; s < series.Count; s++)
        {
            string color = Palette[s % Palette.Length];
            var points = new StringBuilder();
            IReadOnlyList<double> values = series[s].Values;
            for (int i = 0; i < values.Count; i++)
            {
                points.Append(CultureInfo.InvariantCulture, $"{X(i * xStep)},{Y(values[i])} ");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{points.ToString().TrimEnd()}\"><title>{Escape(series[s].Name)}</title></polyline>\n");
            double ly = Top + 8 + (s * 18);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Width - Right + 15}\" x2=\"{Width - Right + 40}\" y1=\"{F(ly)}\" y2=\"{F(ly)}\" stroke=\"{color}\" stroke-width=\"3\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right + 46}\" y=\"{F(ly)}\" dominant-baseline=\"middle\">{Escape(series[s].Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static double NiceCeiling(double value)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string F(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
