using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.Retry;

/// <summary>P1: every form of quota header is read into the wait until the reset; spent quotas only; absurd values never.</summary>
public sealed class RateLimitHeadersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    private static TimeSpan? Read(params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        foreach ((string name, string value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return RateLimitHeaders.Read(response, new FakeTimeProvider(Now));
    }

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string HttpDate(DateTimeOffset at) => at.ToString("r", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("\"default\";r=0;t=2", 2)]
    [InlineData("default;r=0;t=30", 30)]
    [InlineData("\"hour\";r=10;t=3000, \"burst\";r=0;t=2", 2)]
    [InlineData("\"a\";r=0;t=2, \"b\";r=0;t=9", 9)]
    [InlineData("limit=5, remaining=0, reset=4", 4)]
    [InlineData("remaining=0;w=1, reset=7", 7)]
    public void Read_IetfFieldWithASpentPolicy_WaitsForTheLastSpentReset(string field, int seconds) =>
        Read(("RateLimit", field)).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Read_IetfFieldOnSeveralLines_ReadsEveryPolicy() =>
        Read(("RateLimit", "\"minute\";r=3;t=40"), ("RateLimit", "\"second\";r=0;t=1")).ShouldBe(TimeSpan.FromSeconds(1));

    [Theory]
    [InlineData("\"default\";r=1;t=2")]
    [InlineData("\"default\";t=2")]
    [InlineData("\"default\";r=0")]
    [InlineData("limit=5, remaining=2, reset=4")]
    [InlineData("\"default\";r=0;t=-2")]
    [InlineData("\"default\";r=0;t=2.5")]
    [InlineData("\"default\";r=0;t=99999999999")]
    [InlineData("\"default\";r=zero;t=2")]
    [InlineData(";;;,,,===")]
    [InlineData("")]
    public void Read_IetfFieldNotSpentOrMalformed_IsNoPause(string field) =>
        Read(("RateLimit", field)).ShouldBeNull();

    [Fact]
    public void Read_OlderDraftFields_AreDeltaSeconds() =>
        Read(("RateLimit-Limit", "100"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "12")).ShouldBe(TimeSpan.FromSeconds(12));

    [Fact]
    public void Read_QuotaLeft_IsNoPause() =>
        Read(("RateLimit-Remaining", "1"), ("RateLimit-Reset", "12"), ("X-RateLimit-Remaining", "4"), ("X-RateLimit-Reset", "12")).ShouldBeNull();

    [Fact]
    public void Read_GitHubUnixTime_IsMeasuredAgainstTheResponsesDate()
    {
        // The local clock is an hour off; the server's own Date makes the reset 30 s away all the same.
        DateTimeOffset serverNow = Now.AddHours(1);

        TimeSpan? wait = Read(("Date", HttpDate(serverNow)), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Unix(serverNow.AddSeconds(30))));

        wait.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void Read_GitHubUnixTimeWithoutDate_IsMeasuredAgainstNow() =>
        Read(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Unix(Now.AddSeconds(45)))).ShouldBe(TimeSpan.FromSeconds(45));

    [Fact]
    public void Read_UnixTimeReset_IsAMomentNotDelaySeconds()
    {
        // The bug in the wild: 1792152901 read as seconds is 56 years. As a Unix time it is a moment (October 2026),
        // here already past, so no pause at all; a moment 90 s ahead is 90 s.
        Read(("Date", HttpDate(Now)), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "1792152901")).ShouldBeNull();
        Read(("Date", HttpDate(Now)), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", Unix(Now.AddSeconds(90)))).ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public void Read_VendorDeltaSeconds_AreReadAsSeconds() =>
        Read(("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "20")).ShouldBe(TimeSpan.FromSeconds(20));

    [Theory]
    [InlineData("6m0s", 360)]
    [InlineData("1s", 1)]
    [InlineData("12ms", 0.012)]
    [InlineData("1.5s", 1.5)]
    [InlineData("1h2m3s", 3723)]
    [InlineData("20us", 0.00002)]
    public void Read_OpenAiDurations(string reset, double seconds) =>
        Read(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", reset)).ShouldBe(TimeSpan.FromSeconds(seconds));

    [Fact]
    public void Read_OpenAiTokensSpent_WaitsForTheTokensReset() =>
        Read(("x-ratelimit-remaining-requests", "59"), ("x-ratelimit-reset-requests", "1s"), ("x-ratelimit-remaining-tokens", "0"), ("x-ratelimit-reset-tokens", "6m0s"))
            .ShouldBe(TimeSpan.FromMinutes(6));

    [Theory]
    [InlineData("6x")]
    [InlineData("m")]
    [InlineData("5")]
    [InlineData("1.2.3s")]
    [InlineData("-5s")]
    [InlineData("25h")]
    public void Read_OpenAiMalformedOrAbsurdDurations_AreNoPause(string reset) =>
        Read(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", reset)).ShouldBeNull();

    [Fact]
    public void Read_AnthropicRfc3339_IsMeasuredAgainstTheResponsesDate()
    {
        DateTimeOffset serverNow = Now.AddMinutes(-10);
        string reset = serverNow.AddSeconds(15).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        Read(("Date", HttpDate(serverNow)), ("anthropic-ratelimit-requests-remaining", "0"), ("anthropic-ratelimit-requests-reset", reset))
            .ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Theory]
    [InlineData("2026-12-02T11:59:00Z")]
    [InlineData("2026-12-09T12:00:00Z")]
    [InlineData("next tuesday")]
    public void Read_AnthropicPastAbsurdOrMalformedDates_AreNoPause(string reset) =>
        Read(("Date", HttpDate(Now)), ("anthropic-ratelimit-tokens-remaining", "0"), ("anthropic-ratelimit-tokens-reset", reset)).ShouldBeNull();

    [Theory]
    [InlineData("-1")]
    [InlineData("86401")]
    [InlineData("1e3")]
    [InlineData("ten")]
    [InlineData("")]
    public void Read_AbsurdNegativeOrMalformedSeconds_AreNoPause(string reset) =>
        Read(("RateLimit-Remaining", "0"), ("RateLimit-Reset", reset)).ShouldBeNull();

    [Theory]
    [InlineData("-0")]
    [InlineData("none")]
    [InlineData("")]
    public void Read_MalformedRemaining_IsNoPause(string remaining) =>
        Read(("RateLimit-Remaining", remaining), ("RateLimit-Reset", "5")).ShouldBeNull();

    [Fact]
    public void Read_RepeatedResetValues_AreAmbiguousAndIgnored() =>
        Read(("RateLimit-Remaining", "0"), ("RateLimit-Reset", "5"), ("RateLimit-Reset", "50")).ShouldBeNull();

    [Fact]
    public void Read_SeveralFormsSpent_TheOneResettingLastWins() =>
        Read(("RateLimit", "\"s\";r=0;t=3"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "8"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "500ms"))
            .ShouldBe(TimeSpan.FromSeconds(8));

    [Fact]
    public void Read_NoQuotaHeaders_IsNoPause() => Read(("Server", "kestrel")).ShouldBeNull();
}
