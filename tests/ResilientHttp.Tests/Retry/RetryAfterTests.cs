using CsCheck;

namespace ResilientHttp.Tests.Retry;

/// <summary>R4: reading Retry-After, both forms, never throwing.</summary>
public sealed class RetryAfterTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5", 5)]
    [InlineData(" 120 ", 120)]
    [InlineData("007", 7)]
    public void Parse_DeltaSeconds_GivesThatWait(string value, int seconds)
    {
        RetryAfter.Parse(value, null, Now).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void Parse_HttpDate_IsMeasuredAgainstTheResponseDateNotTheLocalClock()
    {
        // The local clock is an hour ahead of the server's: measured against it the wait would be past.
        var serverNow = Now.AddHours(-1);

        RetryAfter.Parse(serverNow.AddSeconds(7).ToString("r"), serverNow.ToString("r"), Now).ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public void Parse_HttpDateEqualToTheResponseDate_IsNowNotThePast()
    {
        RetryAfter.Parse(Now.ToString("r"), Now.ToString("r"), Now.AddHours(1)).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Parse_LeadingZeros_AreIgnoredHoweverMany()
    {
        RetryAfter.Parse("0000000000000000000000000000005", null, Now).ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Parse_MostSecondsATimeSpanHolds_IsExactAndOneMoreIsTheMaximum()
    {
        RetryAfter.Parse("922337203685", null, Now).ShouldBe(TimeSpan.FromSeconds(922_337_203_685L));
        RetryAfter.Parse("922337203686", null, Now).ShouldBe(TimeSpan.MaxValue);
    }

    [Fact]
    public void Read_RetryAfterWithTheResponsesDate_IsMeasuredAgainstThatDate()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(3).ToString("r"));
        response.Headers.TryAddWithoutValidation("Date", Now.ToString("r"));

        RetryAfter.Read(response, Now.AddDays(-1)).ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Read_RetryAfterSentTwice_IsNoValueEvenWhenTheLinesJoinIntoADate()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", ["Sun", "01 Mar 2026 12:00:30 GMT"]);

        RetryAfter.Read(response, Now).ShouldBeNull();
    }

    [Fact]
    public void Read_DateSentTwice_IsIgnoredEvenWhenTheLinesJoinIntoADate()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", Now.AddSeconds(3).ToString("r"));
        response.Headers.TryAddWithoutValidation("Date", ["Sun", "01 Mar 2026 12:00:00 GMT"]);

        RetryAfter.Read(response, Now.AddHours(-1)).ShouldBe(TimeSpan.FromSeconds(3) + TimeSpan.FromHours(1));
    }

    [Fact]
    public void Parse_MalformedValueWithTheEarliestResponseDate_IsNoValue()
    {
        RetryAfter.Parse("soon", "Mon, 01 Jan 0001 00:00:00 GMT", Now).ShouldBeNull();
    }

    [Fact]
    public void Read_NoRetryAfter_IsNoValue()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);

        RetryAfter.Read(response, Now).ShouldBeNull();
    }

    [Fact]
    public void Parse_HttpDateWithoutDateHeader_IsMeasuredAgainstNow()
    {
        RetryAfter.Parse(Now.AddSeconds(9).ToString("r"), null, Now).ShouldBe(TimeSpan.FromSeconds(9));
    }

    [Fact]
    public void Parse_HttpDateWithMalformedDateHeader_IsMeasuredAgainstNow()
    {
        RetryAfter.Parse(Now.AddSeconds(9).ToString("r"), "yesterday-ish", Now).ShouldBe(TimeSpan.FromSeconds(9));
    }

    [Theory]
    [InlineData("Sunday, 01-Mar-26 12:00:30 GMT")]
    [InlineData("Sun Mar  1 12:00:30 2026")]
    public void Parse_ObsoleteHttpDateForms_AreAccepted(string value)
    {
        RetryAfter.Parse(value, null, Now).ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("5s")]
    [InlineData("Tue, 99 Foo 2026 00:00:00 GMT")]
    public void Parse_MalformedValue_IsNoValue(string? value)
    {
        RetryAfter.Parse(value, null, Now).ShouldBeNull();
    }

    [Fact]
    public void Parse_DateInThePast_IsNoValue()
    {
        RetryAfter.Parse(Now.AddYears(-3).ToString("r"), null, Now).ShouldBeNull();
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("99999999999999999999999999999999")]
    public void Parse_HugeDelta_IsAHugeWaitNotAnOverflow(string value)
    {
        RetryAfter.Parse(value, null, Now)!.Value.ShouldBeGreaterThan(TimeSpan.FromDays(365));
    }

    [Fact]
    public void Parse_AnyString_NeverThrows()
    {
        Gen.Select(Gen.String, Gen.String.Null()).Sample((value, date) =>
        {
            TimeSpan? wait = RetryAfter.Parse(value, date, Now);
            return wait is null || wait >= TimeSpan.Zero;
        });
    }

    [Fact]
    public void Read_ResponseWithTwoRetryAfterHeaders_IsNoValue()
    {
        using var response = new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable);
        response.Headers.TryAddWithoutValidation("Retry-After", ["1", "2"]);

        RetryAfter.Read(response, Now).ShouldBeNull();
    }
}
