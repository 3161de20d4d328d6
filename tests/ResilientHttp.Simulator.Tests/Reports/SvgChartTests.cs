using System.Xml.Linq;

namespace ResilientHttp.Simulator.Tests;

public sealed class SvgChartTests
{
    [Fact]
    public void Render_GivesWellFormedSvgWithOnePolylinePerSeriesAndALegend()
    {
        string svg = SvgChart.Render(
            "Offered <load> & more",
            "time (s)",
            "÷ C",
            1,
            [("a & b", [0, 1, 2]), ("c", [2, 1, 0])],
            [(1, "outage")]);

        XDocument document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        document.Descendants(ns + "polyline").Count().ShouldBe(2);
        document.Descendants(ns + "text").Select(t => t.Value).ShouldContain("a & b");
        document.Descendants(ns + "polyline").First().Attribute("points")!.Value.Split(' ').Length.ShouldBe(3);
    }
}
