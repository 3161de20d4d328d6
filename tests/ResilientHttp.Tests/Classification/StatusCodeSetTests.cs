namespace ResilientHttp.Tests.Classification;

/// <summary>The status-code lists of the options, read as bit sets: the same answers as the lists, rebuilt when a list is replaced.</summary>
public sealed class StatusCodeSetTests
{
    [Fact]
    public void Contains_AnswersAsTheListDoes_ForEveryCodeInAndAroundTheRange()
    {
        int[] codes = [0, 63, 64, 408, 429, 503, 599];
        StatusCodeSet? cache = null;

        StatusCodeSet set = StatusCodeSet.Of(ref cache, codes);

        for (int code = -70; code < 700; code++)
        {
            set.Contains(code).ShouldBe(codes.Contains(code), $"status {code}");
        }
    }

    [Fact]
    public void Of_CodesOutsideTheRange_AreIgnoredNotThrown()
    {
        StatusCodeSet? cache = null;

        StatusCodeSet set = StatusCodeSet.Of(ref cache, [-1, 600, 700, 70_000, 503]);

        set.Contains(503).ShouldBeTrue();
        set.Contains(700).ShouldBeFalse();
        set.Contains(-1).ShouldBeFalse();
    }

    [Fact]
    public void Of_ACodeListedTwice_IsStillContained()
    {
        StatusCodeSet? cache = null;

        StatusCodeSet.Of(ref cache, [503, 503]).Contains(503).ShouldBeTrue();
    }

    [Fact]
    public void Of_TheSameList_ReusesTheSet()
    {
        List<int> codes = [503];
        StatusCodeSet? cache = null;

        StatusCodeSet first = StatusCodeSet.Of(ref cache, codes);

        StatusCodeSet.Of(ref cache, codes).ShouldBeSameAs(first);
    }

    [Fact]
    public void Of_AListReplacedByAnotherOfTheSameCount_IsReadAnew()
    {
        StatusCodeSet? cache = null;
        StatusCodeSet.Of(ref cache, new List<int> { 503 });

        StatusCodeSet set = StatusCodeSet.Of(ref cache, new List<int> { 502 });

        set.Contains(502).ShouldBeTrue();
        set.Contains(503).ShouldBeFalse();
    }

    [Fact]
    public void Of_AListThatGrew_IsReadAnew()
    {
        List<int> codes = [503];
        StatusCodeSet? cache = null;
        StatusCodeSet.Of(ref cache, codes);

        codes.Add(502);

        StatusCodeSet.Of(ref cache, codes).Contains(502).ShouldBeTrue();
    }
}
