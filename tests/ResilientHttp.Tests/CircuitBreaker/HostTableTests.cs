using Microsoft.Extensions.Time.Testing;

namespace ResilientHttp.Tests.CircuitBreaker;

/// <summary>C1, C6, C7: per-host state, bounded, with idle closed hosts evicted first and open ones never.</summary>
public sealed class HostTableTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly ResilientHttpOptions _options = new() { CircuitBreaker = { MaxTrackedHosts = 100 } };

    private static Uri Host(int i) => new($"http://host{i}.test/");

    [Fact]
    public void Get_SameAuthority_ReturnsTheSameState()
    {
        var sut = new HostTable(_time);

        HostState first = sut.Get(new Uri("http://a.test/x?q=1"), _options);
        HostState second = sut.Get(new Uri("http://A.TEST:80/y"), _options);

        second.ShouldBeSameAs(first);
        first.Authority.ShouldBe("http://a.test:80");
    }

    [Theory]
    [InlineData("https://a.test/")]
    [InlineData("http://a.test:8080/")]
    [InlineData("http://b.test/")]
    public void Get_DifferentSchemePortOrHost_IsADifferentHost(string other)
    {
        var sut = new HostTable(_time);

        sut.Get(new Uri(other), _options).ShouldNotBeSameAs(sut.Get(new Uri("http://a.test/"), _options));
    }

    [Theory]
    [InlineData("http://Api.Test/x", "http://api.test:80")]
    [InlineData("http://api.test:80/x", "http://api.test:80")]
    [InlineData("http://api.test:080/x", "http://api.test:80")]
    [InlineData("HTTPS://api.test/x", "https://api.test:443")]
    [InlineData("http://user:pw@api.test/x", "http://api.test:80")]
    [InlineData("http://[::1]:8080/x", "http://[::1]:8080")]
    [InlineData("http://127.0.0.1:5000?x=1", "http://127.0.0.1:5000")]
    [InlineData("http://api.test.:81/x", "http://api.test.:81")]
    [InlineData("http://b\u00fccher.test/x", "http://b\u00fccher.test:80")]
    [InlineData(" http://api.test/x", "http://api.test:80")]
    [InlineData("http://api.test:/x", "http://api.test:80")]
    [InlineData("ftp://api.test/x", "ftp://api.test:21")]
    public void Get_AnySpellingOfAUri_FindsTheStateOfItsNormalizedAuthority(string spelling, string authority)
    {
        var sut = new HostTable(_time);

        HostState state = sut.Get(new Uri(spelling), _options);

        state.Authority.ShouldBe(authority);
        sut.Get(new Uri(spelling), _options).ShouldBeSameAs(state);
        sut.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("ftp://a.test:1/", "ftp://a.test/x", "ftp://a.test:21")]
    [InlineData("ftp://a.test:80/", "ftp://a.test/x", "ftp://a.test:21")]
    [InlineData("http://a.test:0/", "http://a.test:/x", "http://a.test:80")]
    public void Get_DefaultPortWhileAnotherPortIsTracked_IsItsOwnHost(string tracked, string other, string authority)
    {
        var sut = new HostTable(_time);
        HostState first = sut.Get(new Uri(tracked), _options);

        HostState second = sut.Get(new Uri(other), _options);

        second.ShouldNotBeSameAs(first);
        second.Authority.ShouldBe(authority);
    }

    [Fact]
    public void Get_HostLongerThanTheStackBuffer_IsTrackedAsOneHost()
    {
        string name = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));
        var sut = new HostTable(_time);

        HostState state = sut.Get(new Uri($"http://{name}/x"), _options);

        sut.Get(new Uri($"http://{name}/y"), _options).ShouldBeSameAs(state);
        state.Authority.ShouldBe($"http://{name}:80");
        sut.Count.ShouldBe(1);
    }

    [Fact]
    public void Get_FreshUriForAKnownHost_DoesNotAllocate()
    {
        var sut = new HostTable(_time);
        var uris = Enumerable.Range(0, 1000).Select(i => new Uri($"http://known.test:8080/items/{i}?q={i}")).ToArray();
        sut.Get(uris[0], _options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        foreach (Uri uri in uris)
        {
            sut.Get(uri, _options);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Theory]
    [InlineData("http://known.test/items/{0}")]
    [InlineData("https://known.test/items/{0}")]
    [InlineData("http://known.test:8080/items/{0}")]
    [InlineData("https://known.test:8443/items/{0}")]
    [InlineData("http://10.0.0.1/items/{0}")]
    [InlineData("http://10.0.0.1:5000/items/{0}")]
    [InlineData("http://known.test")]
    [InlineData("https://10.0.0.1:8443")]
    [InlineData("http://known.test?q={0}")]
    [InlineData("http://known.test#part{0}")]
    [InlineData("https://known-host_1.test/a/b/c/{0}?q=1&r=2#f")]
    public void Get_FreshUriOfAnyPlainShapeForAKnownHost_DoesNotAllocate(string shape)
    {
        var sut = new HostTable(_time);
        var uris = Enumerable.Range(0, 3002).Select(i => new Uri(string.Format(System.Globalization.CultureInfo.InvariantCulture, shape, i))).ToArray();
        HostState known = sut.Get(uris[0], _options);
        sut.Get(uris[1], _options).ShouldBeSameAs(known);

        // Three rounds of 1,000 fresh URIs, the least counted: a one-off allocation on this thread (tiering, a
        // lazy static) is not the lookup's, while a lookup that allocates does so in every round.
        long least = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 2 + (round * 1000); i < 2 + ((round + 1) * 1000); i++)
            {
                sut.Get(uris[i], _options);
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        least.ShouldBe(0);
        sut.Count.ShouldBe(1);
    }

    [Fact]
    public void Get_ExactlyTheLimit_TracksEveryHost()
    {
        var sut = new HostTable(_time);
        HostState[] states = Enumerable.Range(0, 100).Select(i => sut.Get(Host(i), _options)).ToArray();

        sut.Count.ShouldBe(100);
        Enumerable.Range(0, 100).ShouldAllBe(i => ReferenceEquals(sut.Get(Host(i), _options), states[i]));
    }

    [Fact]
    public void Get_AfterEvictions_NewHostsAreTrackedAndTheCountIsExact()
    {
        var sut = new HostTable(_time);
        for (int i = 0; i < 1000; i++)
        {
            sut.Get(Host(i), _options);
            _time.Advance(TimeSpan.FromMilliseconds(200));
        }

        HostState newest = sut.Get(Host(999), _options);

        sut.Get(Host(999), _options).ShouldBeSameAs(newest);
        sut.Hosts.ShouldContain(newest);
        sut.Hosts.Count().ShouldBe(sut.Count);
        sut.Count.ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public void Get_NewHostsFromManyThreads_StayWithinTheBound()
    {
        var sut = new HostTable(_time);

        Concurrently.Run(8, thread =>
        {
            for (int i = 0; i < 2000; i++)
            {
                sut.Get(Host((thread * 10_000) + i), _options);
            }

            return 0;
        });

        // Concurrent additions may briefly pass the bound by the number of adding threads, never more.
        sut.Count.ShouldBeLessThanOrEqualTo(100 + 8);
        sut.Hosts.Count().ShouldBe(sut.Count);
    }

    [Fact]
    public void Get_ManyMoreHostsThanTheLimit_NeverTracksMoreThanTheLimit()
    {
        var sut = new HostTable(_time);

        for (int i = 0; i < 100_000; i++)
        {
            sut.Get(Host(i), _options);
            sut.Count.ShouldBeLessThanOrEqualTo(100);
        }
    }

    [Fact]
    public void Get_WhenFull_EvictsTheLongestIdleHostsFirst()
    {
        var sut = new HostTable(_time);
        for (int i = 0; i < 100; i++)
        {
            sut.Get(Host(i), _options);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        HostState recent = sut.Get(Host(0), _options); // host 0 is now the most recently used
        sut.Get(Host(1000), _options);

        sut.Hosts.ShouldContain(recent);
        sut.Hosts.Select(h => h.Authority).ShouldNotContain("http://host1.test:80");
        sut.Get(Host(0), _options).ShouldBeSameAs(recent);
    }

    [Fact]
    public void Get_WhenFull_AHostUsedASecondAgoIsNotEvictedAsIdle()
    {
        var sut = new HostTable(_time);
        for (int i = 0; i < 100; i++)
        {
            sut.Get(Host(i), _options);
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        HostState used = sut.Get(Host(0), _options); // created first, but used last
        sut.Get(Host(1000), _options);

        sut.Hosts.ShouldContain(used);
        sut.Hosts.Select(h => h.Authority).ShouldNotContain("http://host1.test:80");
    }

    [Fact]
    public void Get_WhenFullAndTheLongestIdleIsOpen_EvictsTheLongestIdleClosedHost()
    {
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = 4 } };
        var sut = new HostTable(_time);
        sut.Get(new Uri("http://down.test/"), options).Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), new CircuitBreakerOptions { FailureThreshold = 1 }, _time, RandomSource.Shared);
        for (int i = 1; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            sut.Get(Host(i), options);
        }

        _time.Advance(TimeSpan.FromSeconds(1));
        HostState newcomer = sut.Get(Host(100), options);

        sut.Hosts.ShouldContain(newcomer);
        sut.Hosts.Select(h => h.Authority).ShouldBe(["http://down.test:80", "http://host2.test:80", "http://host3.test:80", "http://host100.test:80"], ignoreOrder: true);
    }

    [Fact]
    public void Get_SmallTableWhenFull_EvictsTheIdleHostAndTracksTheNewcomer()
    {
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = 2 } };
        var sut = new HostTable(_time);
        sut.Get(Host(1), options);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Get(Host(2), options);
        _time.Advance(TimeSpan.FromSeconds(1));

        HostState newcomer = sut.Get(Host(3), options);

        sut.Count.ShouldBe(2);
        sut.Hosts.Select(h => h.Authority).ShouldBe(["http://host2.test:80", "http://host3.test:80"], ignoreOrder: true);
        sut.Get(Host(3), options).ShouldBeSameAs(newcomer);
    }

    [Fact]
    public void Get_AfterAnotherThreadEvicted_NewHostsOnThisThreadAreEvictedToo()
    {
        var sut = new HostTable(_time);
        var other = new Thread(() =>
        {
            for (int i = 0; i < 150; i++)
            {
                sut.Get(Host(i), _options);
            }
        });
        other.Start();
        other.Join();

        for (int i = 1000; i < 1150; i++)
        {
            sut.Get(Host(i), _options);
        }

        sut.Count.ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public void Get_WhenFull_NeverEvictsAnOpenCircuit()
    {
        var sut = new HostTable(_time);
        HostState down = sut.Get(new Uri("http://down.test/"), _options);
        down.Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), new CircuitBreakerOptions { FailureThreshold = 1 }, _time, RandomSource.Shared);
        _time.Advance(TimeSpan.FromSeconds(1));

        for (int i = 0; i < 10_000; i++)
        {
            sut.Get(Host(i), _options);
        }

        sut.Get(new Uri("http://down.test/"), _options).ShouldBeSameAs(down);
        down.Circuit.State.ShouldBe(CircuitState.Open);
    }

    [Fact]
    public void Get_EveryTrackedHostOpen_ServesANewHostWithoutTrackingIt()
    {
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = 2 } };
        var sut = new HostTable(_time);
        foreach (string name in new[] { "http://a.test/", "http://b.test/" })
        {
            sut.Get(new Uri(name), options).Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), new CircuitBreakerOptions { FailureThreshold = 1 }, _time, RandomSource.Shared);
        }

        HostState extra = sut.Get(new Uri("http://c.test/"), options);

        extra.Circuit.State.ShouldBe(CircuitState.Closed);
        sut.Count.ShouldBe(2);
        sut.Hosts.ShouldNotContain(extra);
    }

    [Fact]
    public void Get_KnownHost_DoesNotAllocate()
    {
        var sut = new HostTable(_time);
        var uri = new Uri("http://known.test:8080/path?query=1");
        sut.Get(uri, _options);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            sut.Get(uri, _options);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }

    [Fact]
    public void GetForCall_TableWithRoom_TracksANewHostAtOnce()
    {
        var sut = new HostTable(_time);
        for (int i = 0; i < 99; i++)
        {
            sut.Get(Host(i), _options);
        }

        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        newcomer.Provisional.ShouldBeFalse();
        sut.Hosts.ShouldContain(newcomer);
        sut.Count.ShouldBe(100);
    }

    [Fact]
    public void GetForCall_FullTable_ANewHostsFirstCallGetsStateOfItsOwnAndEvictsNothing()
    {
        var sut = new HostTable(_time);
        HostState[] tracked = [.. Enumerable.Range(0, 100).Select(i => sut.Get(Host(i), _options))];

        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        newcomer.Provisional.ShouldBeTrue();
        newcomer.Authority.ShouldBe("http://host1000.test:80");
        sut.Hosts.ShouldBe(tracked, ignoreOrder: true);
        sut.Find("http://host1000.test:80").ShouldBeNull();
    }

    [Fact]
    public void GetForCall_FullTable_ANewHostsSecondCallTracksIt()
    {
        HostTable sut = Full();

        sut.GetForCall(Host(1000), _options, _time.GetTimestamp());
        HostState second = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        second.Provisional.ShouldBeFalse();
        sut.Find("http://host1000.test:80").ShouldBeSameAs(second);
        sut.GetForCall(Host(1000), _options, _time.GetTimestamp()).ShouldBeSameAs(second);
        sut.Count.ShouldBeLessThanOrEqualTo(100);
    }

    [Fact]
    public void GetForCall_FullTable_AnEvictedHostComingBackIsProvisionalAndKeepsItsMetricName()
    {
        HostTable sut = Full();
        sut.GetForCall(Host(1000), _options, _time.GetTimestamp());
        sut.GetForCall(Host(1000), _options, _time.GetTimestamp()); // admitted: a quarter of the table made room
        int evicted = Enumerable.Range(0, 100).First(i => sut.Find($"http://host{i}.test:80") is null);
        for (int i = 2000; sut.Count < 100; i++)
        {
            sut.Get(Host(i), _options); // full again, with hosts past the bound of metric names
        }

        HostState back = sut.GetForCall(Host(evicted), _options, _time.GetTimestamp());

        back.Provisional.ShouldBeTrue();
        back.MetricAddress.ShouldBe($"host{evicted}.test");
        sut.Find($"http://host{evicted}.test:80").ShouldBeNull();
    }

    [Fact]
    public void GetForCall_FullTableAndAKeyLongerThanTheStackBuffer_IsAdmittedOnItsSecondCallAndFoundThen()
    {
        string name = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));
        HostTable sut = Full();

        HostState first = sut.GetForCall(new Uri($"http://{name}/x"), _options, _time.GetTimestamp());
        HostState second = sut.GetForCall(new Uri($"http://{name}/y"), _options, _time.GetTimestamp());

        first.Provisional.ShouldBeTrue();
        second.Provisional.ShouldBeFalse();
        sut.GetForCall(new Uri($"http://{name}/z"), _options, _time.GetTimestamp()).ShouldBeSameAs(second);
    }

    [Fact]
    public void GetForCall_FullTableWithAFleetStore_TracksANewHostAtOnce()
    {
        HostTable sut = Full(new IdleStore());

        // Every success earns the fleet's bucket its share: a host of a shared budget always has something to keep.
        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        newcomer.Provisional.ShouldBeFalse();
        sut.Hosts.ShouldContain(newcomer);
        newcomer.Fleet.ShouldNotBeNull().Capacity.ShouldBe(RetryBudget.CapacityFor(_options.Retry));
    }

    [Fact]
    public void Get_WithoutAFleetStore_GivesAHostNoShare() =>
        new HostTable(_time).Get(Host(1), _options).Fleet.ShouldBeNull();

    [Fact]
    public void Get_AHostWithAKeyLongerThanTheStackBuffer_IsTouchedByItsCallsLikeAnyOther()
    {
        string name = string.Join('.', Enumerable.Repeat(new string('a', 60), 5));
        var options = new ResilientHttpOptions { CircuitBreaker = { MaxTrackedHosts = 2 } };
        var sut = new HostTable(_time);
        HostState longName = sut.Get(new Uri($"http://{name}/x"), options);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Get(Host(1), options);
        _time.Advance(TimeSpan.FromSeconds(1));
        sut.Get(new Uri($"http://{name}/y"), options).ShouldBeSameAs(longName); // used again: no longer the longest idle
        _time.Advance(TimeSpan.FromSeconds(1));

        sut.Get(Host(2), options);

        sut.Hosts.Select(h => h.Authority).ShouldBe([longName.Authority, "http://host2.test:80"], ignoreOrder: true);
    }

    [Fact]
    public void Track_AProvisionalHost_AddsItToTheTable()
    {
        HostTable sut = Full();

        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        sut.Track(newcomer, _options, _time.GetTimestamp()).ShouldBeSameAs(newcomer);
        newcomer.Provisional.ShouldBeFalse();
        sut.Find("http://host1000.test:80").ShouldBeSameAs(newcomer);
        sut.Count.ShouldBeLessThanOrEqualTo(100);
        sut.Find("http://host0.test:80").ShouldBeNull("the longest idle host made room");
    }

    [Fact]
    public void Track_AHostAnotherCallTrackedMeanwhile_ReturnsThatCallsState()
    {
        HostTable sut = Full();

        HostState mine = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());
        HostState theirs = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        sut.Track(mine, _options, _time.GetTimestamp()).ShouldBeSameAs(theirs);
        sut.Track(theirs, _options, _time.GetTimestamp()).ShouldBeSameAs(theirs);
    }

    [Fact]
    public void GetForCall_AStreamOfOneOffHosts_LeavesATrackedHostsHistoryInPlace()
    {
        var breaker = new CircuitBreakerOptions { FailureThreshold = 5 };
        var sut = new HostTable(_time);
        HostState failing = sut.Get(new Uri("http://failing.test/"), _options);
        failing.Circuit.Report(CircuitPermit.Pass, BreakerVerdict.Failure, _time.GetTimestamp(), _time.GetTimestamp(), breaker, _time, RandomSource.Shared);
        for (int i = 0; i < 99; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            sut.Get(Host(i), _options);
        }

        // A crawl: 10,000 hosts called once each, every one of them answering well.
        for (int i = 1000; i < 11_000; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            sut.GetForCall(Host(i), _options, _time.GetTimestamp());
        }

        sut.Find("http://failing.test:80").ShouldBeSameAs(failing, "the host with a failure counted is still tracked, though idle longest");
        failing.Circuit.ConsecutiveFailures.ShouldBe(1);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(100, 256)]
    [InlineData(1024, 2048)]
    [InlineData(1025, 4096)]
    [InlineData(32_768, 65_536)]
    [InlineData(1_000_000, 65_536)]
    public void DoorkeeperSize_IsAPowerOfTwoTwiceTheTableAtMost65536(int max, int slots) =>
        HostTable.DoorkeeperSize(max).ShouldBe(slots);

    [Theory]
    [InlineData(200, true)]
    [InlineData(404, true)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void LeavesState_OnlyASuccessfulCallWithItsQuotaLeftLeavesNothing(int status, bool successful)
    {
        HostTable.LeavesState(AttemptOutcome.Status(status), _options).ShouldBe(!successful);
        HostTable.LeavesState(AttemptOutcome.Status(status) with { QuotaReset = TimeSpan.FromSeconds(5) }, _options).ShouldBeTrue();
        HostTable.LeavesState(AttemptOutcome.Of(OutcomeKind.Timeout), _options).ShouldBeTrue();
        HostTable.LeavesState(AttemptOutcome.Of(OutcomeKind.Canceled), _options).ShouldBeFalse("the caller's cancellation counts as nothing");
    }

    [Fact]
    public void Track_ANewcomerWhoseCallTookLong_JoinsTheTableAsUsedNow()
    {
        HostTable sut = Full();
        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(30)); // a timeout, say, before the attempt's failure is known

        sut.Track(newcomer, _options, _time.GetTimestamp());

        newcomer.LastUsed.ShouldBe(_time.GetTimestamp());
    }

    [Fact]
    public void Settle_AnAttemptThatLeavesState_TracksTheProvisionalHost()
    {
        HostTable sut = Full();
        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        sut.Settle(newcomer, AttemptOutcome.Status(503), _options, _time.GetTimestamp()).ShouldBeSameAs(newcomer);

        sut.Find(newcomer.Authority).ShouldBeSameAs(newcomer);
    }

    [Fact]
    public void Settle_ASuccessWhileNoOtherCallTrackedTheHost_KeepsTheCallsOwnState()
    {
        HostTable sut = Full();
        HostState newcomer = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        sut.Settle(newcomer, AttemptOutcome.Status(200), _options, _time.GetTimestamp()).ShouldBeNull();

        sut.Find(newcomer.Authority).ShouldBeNull();
    }

    [Fact]
    public void Settle_ASuccessAfterAnotherCallTrackedTheHost_GoesOnWithThatState()
    {
        HostTable sut = Full();
        HostState mine = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());
        HostState theirs = sut.GetForCall(Host(1000), _options, _time.GetTimestamp());

        sut.Settle(mine, AttemptOutcome.Status(200), _options, _time.GetTimestamp()).ShouldBeSameAs(theirs);
    }

    [Fact]
    public void SelectOldest_AnyKeysAndAnyCount_PutsTheKSmallestFirst()
    {
        var random = new Random(7);
        for (int round = 0; round < 500; round++)
        {
            int count = random.Next(1, 200);
            int k = random.Next(0, count + 1);
            long[] keys = [.. Enumerable.Range(0, count).Select(_ => (long)random.Next(0, round % 3 == 0 ? 5 : 1000))];
            HostState[] items = [.. keys.Select(key => new HostState($"http://h{key}:80", 1, key))];
            long[] expected = [.. keys.Order()];

            HostTable.SelectOldest(keys, items, count, k);

            keys.Take(k).Order().ShouldBe(expected.Take(k), $"round {round}: count {count}, k {k}");
            items.Select(i => i.LastUsed).ShouldBe(keys, "the items move with their keys");
        }
    }

    // A table holding its 100 hosts, host0 to host99.
    // A table of 100 hosts, host0 idle longest: each was called a second after the one before.
    private HostTable Full(FleetStore? fleet = null)
    {
        var table = new HostTable(_time, fleet, "api");
        for (int i = 0; i < 100; i++)
        {
            table.Get(Host(i), _options);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        return table;
    }

    private sealed class IdleStore : FleetStore
    {
        public override void Enlist(FleetShare share, bool urgent)
        {
        }

        public override void Publish(FleetShare share, TimeSpan hold, WaitSource source)
        {
        }
    }
}
