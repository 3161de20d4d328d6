using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ResilientHttp;

/// <summary>
/// T2: the library's instruments, on a <see cref="Meter"/> named <c>ResilientHttp</c> made through
/// <see cref="IMeterFactory"/>. Tag names follow OpenTelemetry where one exists; every tag value is
/// bounded (hosts past a client's bound report as <c>_OTHER</c>).
/// </summary>
internal sealed class ResilienceMetrics
{
    public const string MeterName = "ResilientHttp";

    private static readonly object[] StatusCodes = Enumerable.Range(0, 600).Select(code => (object)code).ToArray();

    private readonly Counter<long> _attempts;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _budgetRefusals;
    private readonly Counter<long> _transitions;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _hedges;
    private readonly Counter<long> _faults;
    private readonly Histogram<double> _waits;

    public ResilienceMetrics(IMeterFactory meterFactory)
    {
        Meter meter = meterFactory.Create(MeterName);
        _attempts = meter.CreateCounter<long>("resilienthttp.attempts", "{attempt}", "Sends made, first attempts and retries, by outcome.");
        _retries = meter.CreateCounter<long>("resilienthttp.retries", "{retry}", "Retries made, by the failure that caused them.");
        _budgetRefusals = meter.CreateCounter<long>("resilienthttp.retry.budget_refusals", "{retry}", "Retries not made because the host's retry budget was spent.");
        _transitions = meter.CreateCounter<long>("resilienthttp.circuit.transitions", "{transition}", "Circuit state changes, by the state entered.");
        _rejections = meter.CreateCounter<long>("resilienthttp.circuit.rejections", "{call}", "Calls refused by an open circuit without touching the network.");
        _hedges = meter.CreateCounter<long>("resilienthttp.hedges", "{hedge}", "Hedges sent beside an attempt that went unanswered for the hedging delay.");
        _faults = meter.CreateCounter<long>("resilienthttp.faults.injected", "{fault}", "Faults injected on purpose by FaultInjection: a status instead of a send, or a delay before one.");
        _waits = meter.CreateHistogram<double>("resilienthttp.retry.wait.duration", "s", "Waits before a retry or for a host's pause.");
    }

    /// <summary>Gets whether anything listens to the attempts counter.</summary>
    public bool AttemptsEnabled => _attempts.Enabled;

    public void Attempt(string client, HostState host, HttpMethod method, in AttemptOutcome outcome)
    {
        if (!_attempts.Enabled)
        {
            return;
        }

        TagList tags = HostTags(client, host, method);
        AddOutcome(ref tags, outcome);
        _attempts.Add(1, tags);
    }

    public void Retry(string client, HostState host, HttpMethod method, in AttemptOutcome outcome, TimeSpan wait, string source)
    {
        if (_retries.Enabled)
        {
            TagList tags = HostTags(client, host, method);
            AddOutcome(ref tags, outcome);
            _retries.Add(1, tags);
        }

        Wait(client, host, wait, source);
    }

    public void Wait(string client, HostState host, TimeSpan wait, string source)
    {
        if (_waits.Enabled)
        {
            _waits.Record(wait.TotalSeconds, Client(client), Address(host), new("resilienthttp.wait.source", source));
        }
    }

    public void BudgetRefusal(string client, HostState host)
    {
        if (_budgetRefusals.Enabled)
        {
            _budgetRefusals.Add(1, Client(client), Address(host), Port(host));
        }
    }

    public void Hedge(string client, HostState host, HttpMethod method)
    {
        if (_hedges.Enabled)
        {
            _hedges.Add(1, HostTags(client, host, method));
        }
    }

    public void FaultInjected(string client, HostState host, HttpMethod method, int status)
    {
        if (_faults.Enabled)
        {
            TagList tags = HostTags(client, host, method);
            if (status > 0)
            {
                tags.Add("resilienthttp.fault", "status");
                tags.Add("http.response.status_code", status is >= 0 and < 600 ? StatusCodes[status] : StatusCodes[0]);
            }
            else
            {
                tags.Add("resilienthttp.fault", "latency");
            }

            _faults.Add(1, tags);
        }
    }

    public void Transition(string client, HostState host, CircuitTransition transition)
    {
        if (transition == CircuitTransition.None || !_transitions.Enabled)
        {
            return;
        }

        string state = transition switch
        {
            CircuitTransition.Opened or CircuitTransition.Reopened or CircuitTransition.ProbeAbandoned => "open",
            CircuitTransition.HalfOpened or CircuitTransition.ProbeOverdue => "half_open",
            _ => "closed",
        };
        _transitions.Add(1, Client(client), Address(host), Port(host), new("resilienthttp.circuit.state", state));
    }

    public void Rejection(string client, HostState host)
    {
        if (_rejections.Enabled)
        {
            _rejections.Add(1, Client(client), Address(host), Port(host));
        }
    }

    /// <summary>The method as OpenTelemetry reports it: a known method, or <c>_OTHER</c>.</summary>
    public static string MethodTag(HttpMethod method) => method.Method switch
    {
        "GET" or "POST" or "PUT" or "DELETE" or "HEAD" or "OPTIONS" or "PATCH" or "TRACE" or "CONNECT" => method.Method,
        _ => "_OTHER",
    };

    private static TagList HostTags(string client, HostState host, HttpMethod method) =>
        new() { Client(client), Address(host), Port(host), new("http.request.method", MethodTag(method)) };

    private static void AddOutcome(ref TagList tags, in AttemptOutcome outcome)
    {
        if (outcome.IsResponse)
        {
            tags.Add("http.response.status_code", outcome.StatusCode is >= 0 and < 600 ? StatusCodes[outcome.StatusCode] : StatusCodes[0]);
        }
        else
        {
            tags.Add("error.type", ErrorType(outcome.Kind));
        }
    }

    private static string ErrorType(OutcomeKind kind) => kind switch
    {
        OutcomeKind.ConnectFailure => "connection_error",
        OutcomeKind.NetworkError => "network_error",
        OutcomeKind.Timeout => "timeout",
        OutcomeKind.Canceled => "canceled",
        OutcomeKind.CircuitOpen => "circuit_open",
        OutcomeKind.ClientLimitExceeded => "client_limit_exceeded",
        _ => "_OTHER",
    };

    private static KeyValuePair<string, object?> Client(string client) => new("resilienthttp.client.name", client);

    private static KeyValuePair<string, object?> Address(HostState host) => new("server.address", host.MetricAddress);

    private static KeyValuePair<string, object?> Port(HostState host) => new("server.port", host.MetricPort);
}
