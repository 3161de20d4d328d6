using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace ResilientHttp.Testing;

/// <summary>
/// A primary handler for tests, scripted per path, per host or for every request, that records every send. Each
/// rule answers its requests in the order given, and its last answer repeats:
/// <code>
/// var script = new FaultScript(time)
///     .OnPath("/items/42", Fault.Status(503), Fault.Status(503), Fault.Ok("{\"id\":42}"))
///     .OnHost("auth.test", Fault.ConnectionRefused(), Fault.Ok())
///     .OnAnyRequest(Fault.Status(404));
/// </code>
/// A path rule wins over a host rule, which wins over <see cref="OnAnyRequest"/>; a path ending in <c>*</c> matches
/// every path it starts. A request no rule matches fails with an <see cref="InvalidOperationException"/> naming it.
/// Plug it in with <c>UseFaultScript</c> (or <c>ConfigurePrimaryHttpMessageHandler</c>); it is not disposed when
/// <c>IHttpClientFactory</c> rotates its handlers, so one script serves a whole test.
/// </summary>
public sealed class FaultScript : HttpMessageHandler
{
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly List<Rule> _rules = [];
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _gate = new();

    /// <summary>Initializes a new instance of the <see cref="FaultScript"/> class.</summary>
    /// <param name="time">The clock that slow answers and stalls wait on, and sends are timed by: the test's <see cref="VirtualTime"/>, or the system clock by default.</param>
    public FaultScript(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _start = _time.GetTimestamp();
    }

    private enum Scope
    {
        Path,
        Host,
        Any,
    }

    /// <summary>Gets every send so far, in the order they reached the script.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Scripts the answers to requests for a path, such as <c>/items/42</c> (or <c>/items/*</c> for every path it starts).</summary>
    /// <param name="path">The path, compared with the request URI's absolute path, case-sensitively.</param>
    /// <param name="answers">The answers, in order; the last one repeats.</param>
    /// <returns>The script, for more rules.</returns>
    public FaultScript OnPath(string path, params Fault[] answers)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Add(Scope.Path, path, answers);
    }

    /// <summary>Scripts the answers to requests for a host name, such as <c>api.example.com</c>.</summary>
    /// <param name="host">The host name, compared ignoring case.</param>
    /// <param name="answers">The answers, in order; the last one repeats.</param>
    /// <returns>The script, for more rules.</returns>
    public FaultScript OnHost(string host, params Fault[] answers)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        return Add(Scope.Host, host, answers);
    }

    /// <summary>Scripts the answers to every request no path or host rule matches.</summary>
    /// <param name="answers">The answers, in order; the last one repeats.</param>
    /// <returns>The script, for more rules.</returns>
    public FaultScript OnAnyRequest(params Fault[] answers) => Add(Scope.Any, string.Empty, answers);

    /// <summary>Gets the sends made to a path so far.</summary>
    /// <param name="path">The path, compared with the request URI's absolute path.</param>
    /// <returns>The sends, in order.</returns>
    public IReadOnlyList<RecordedRequest> RequestsTo(string path) => [.. Requests.Where(r => r.Uri.AbsolutePath == path)];

    /// <inheritdoc/>
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Uri uri = request.RequestUri ?? throw new InvalidOperationException("FaultScript was sent a request without a URI.");
        TimeSpan at = _time.GetElapsedTime(_start);
        byte[]? body = request.Content is { } content ? await content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false) : null;
        Fault answer = Next(uri) ?? throw new InvalidOperationException(
            $"FaultScript has no answer for {request.Method} {uri}: script it with OnPath(\"{uri.AbsolutePath}\", …), OnHost(\"{uri.Host}\", …) or OnAnyRequest(…).");
        lock (_gate)
        {
            _requests.Add(new RecordedRequest(at, request.Method, uri, HeadersOf(request), body?.LongLength, body is null ? null : Convert.ToHexString(SHA256.HashData(body)), answer.ToString()));
        }

        return await answer.AnswerAsync(request, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Does nothing: the test owns the script, and <c>IHttpClientFactory</c>'s handler rotation must not end it.</summary>
    /// <param name="disposing">Ignored.</param>
    protected override void Dispose(bool disposing)
    {
    }

    private static Dictionary<string, string> HeadersOf(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            headers[header.Key] = string.Join(",", header.Value);
        }

        if (request.Content is { } content)
        {
            foreach (KeyValuePair<string, HeaderStringValues> header in content.Headers.NonValidated)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }
        }

        return headers;
    }

    private FaultScript Add(Scope scope, string key, Fault[] answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Length == 0)
        {
            throw new ArgumentException("A rule needs at least one answer.", nameof(answers));
        }

        lock (_gate)
        {
            _rules.Add(new Rule(scope, key, answers));
        }

        return this;
    }

    private Fault? Next(Uri uri)
    {
        lock (_gate)
        {
            Rule? rule = _rules.Find(r => r.Scope == Scope.Path && Matches(r.Key, uri.AbsolutePath))
                ?? _rules.Find(r => r.Scope == Scope.Host && string.Equals(r.Key, uri.Host, StringComparison.OrdinalIgnoreCase))
                ?? _rules.Find(r => r.Scope == Scope.Any);
            return rule?.Next();
        }
    }

    private static bool Matches(string pattern, string path) =>
        pattern.EndsWith('*') ? path.StartsWith(pattern[..^1], StringComparison.Ordinal) : path == pattern;

    private sealed class Rule(Scope scope, string key, Fault[] answers)
    {
        private int _next;

        public Scope Scope => scope;

        public string Key => key;

        public Fault Next() => answers[Math.Min(_next++, answers.Length - 1)];
    }
}
