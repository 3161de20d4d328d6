using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

namespace ResilientHttp.Testing;

/// <summary>
/// One scripted answer of a <see cref="FaultScript"/>: a status, a <c>Retry-After</c>, a refused connection, a
/// stall, a reset, a body cut short. Waits (<see cref="Slow"/>, <see cref="Stall"/>) run on the script's
/// <see cref="TimeProvider"/>, so a test on <see cref="VirtualTime"/> never sleeps through them.
/// </summary>
public sealed class Fault
{
    private readonly Func<HttpRequestMessage, TimeProvider, CancellationToken, Task<HttpResponseMessage>> _answer;
    private readonly string _description;

    private Fault(string description, Func<HttpRequestMessage, TimeProvider, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        _description = description;
        _answer = answer;
    }

    /// <summary>Answers with a status and an empty body.</summary>
    /// <param name="statusCode">The status, such as 503.</param>
    /// <returns>The answer.</returns>
    public static Fault Status(int statusCode) => Status((HttpStatusCode)statusCode);

    /// <summary>Answers with a status and an empty body.</summary>
    /// <param name="statusCode">The status.</param>
    /// <returns>The answer.</returns>
    public static Fault Status(HttpStatusCode statusCode) =>
        new($"{(int)statusCode}", (request, _, _) => Task.FromResult(Response(request, statusCode)));

    /// <summary>Answers with a status and a <c>Retry-After</c> of whole seconds, such as <c>503 Retry-After: 5</c>.</summary>
    /// <param name="statusCode">The status, such as 429 or 503.</param>
    /// <param name="retryAfter">The pause asked for, rounded down to whole seconds.</param>
    /// <returns>The answer.</returns>
    public static Fault Status(int statusCode, TimeSpan retryAfter) =>
        new($"{statusCode} Retry-After: {(long)retryAfter.TotalSeconds}", (request, _, _) =>
        {
            HttpResponseMessage response = Response(request, (HttpStatusCode)statusCode);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Floor(retryAfter.TotalSeconds)));
            return Task.FromResult(response);
        });

    /// <summary>Answers <c>429 Too Many Requests</c> with a <c>Retry-After</c> of whole seconds.</summary>
    /// <param name="retryAfter">The pause asked for.</param>
    /// <returns>The answer.</returns>
    public static Fault TooManyRequests(TimeSpan retryAfter) => Status(429, retryAfter);

    /// <summary>Answers <c>200 OK</c>, with a body when one is given (as <c>application/json</c> when it looks like JSON).</summary>
    /// <param name="body">The body, or <see langword="null"/> for none.</param>
    /// <returns>The answer.</returns>
    public static Fault Ok(string? body = null) =>
        new("200", (request, _, _) =>
        {
            HttpResponseMessage response = Response(request, HttpStatusCode.OK);
            if (body is not null)
            {
                string mediaType = body.TrimStart().StartsWith('{') || body.TrimStart().StartsWith('[') ? "application/json" : "text/plain";
                response.Content = new StringContent(body, Encoding.UTF8, mediaType);
            }

            return Task.FromResult(response);
        });

    /// <summary>Answers with a status after a delay on the script's clock (cut short, like a real send, when the attempt is cancelled).</summary>
    /// <param name="delay">How long the answer takes.</param>
    /// <param name="statusCode">The status, 200 by default.</param>
    /// <returns>The answer.</returns>
    public static Fault Slow(TimeSpan delay, int statusCode = 200) =>
        new($"{statusCode} after {delay.TotalMilliseconds} ms", async (request, time, token) =>
        {
            await Task.Delay(delay, time, token).ConfigureAwait(false);
            return Response(request, (HttpStatusCode)statusCode);
        });

    /// <summary>Never answers: the send waits until it is cancelled (by an attempt timeout, a deadline or the caller).</summary>
    /// <returns>The answer.</returns>
    public static Fault Stall() =>
        new("stall", async (_, time, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, token).ConfigureAwait(false);
            throw new OperationCanceledException(token);
        });

    /// <summary>Fails as a refused connection does: nothing reached the server, so even a POST may be sent again.</summary>
    /// <returns>The answer.</returns>
    public static Fault ConnectionRefused() =>
        new("connection refused", (_, _, _) => Task.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (FaultScript).", new SocketException((int)SocketError.ConnectionRefused))));

    /// <summary>Fails as a connection reset by the server does, after the request may have reached it.</summary>
    /// <returns>The answer.</returns>
    public static Fault ConnectionReset() =>
        new("connection reset", (_, _, _) => Task.FromException<HttpResponseMessage>(
            new HttpRequestException(HttpRequestError.ResponseEnded, "The connection was reset (FaultScript).", new IOException("Connection reset by peer.", new SocketException((int)SocketError.ConnectionReset)))));

    /// <summary>
    /// Answers with a status and a body that ends early: reading it gives <paramref name="bytesBeforeCut"/> bytes,
    /// then an <see cref="IOException"/>, as a connection dropped mid-body does.
    /// </summary>
    /// <param name="statusCode">The status, 200 by default.</param>
    /// <param name="bytesBeforeCut">The bytes read before the cut.</param>
    /// <returns>The answer.</returns>
    public static Fault TruncatedBody(int statusCode = 200, int bytesBeforeCut = 16) =>
        new($"{statusCode} with a body cut after {bytesBeforeCut} bytes", (request, _, _) =>
        {
            HttpResponseMessage response = Response(request, (HttpStatusCode)statusCode);
            response.Content = new StreamContent(new TruncatedStream(bytesBeforeCut));
            response.Content.Headers.ContentLength = bytesBeforeCut * 2L;
            return Task.FromResult(response);
        });

    /// <summary>Answers with whatever <paramref name="respond"/> builds, for answers the other factories do not cover.</summary>
    /// <param name="respond">Builds the response from the request.</param>
    /// <returns>The answer.</returns>
    public static Fault Respond(Func<HttpRequestMessage, HttpResponseMessage> respond)
    {
        ArgumentNullException.ThrowIfNull(respond);
        return new("custom", (request, _, _) => Task.FromResult(respond(request)));
    }

    /// <summary>The same answer with one more response header, such as a rate-limit header.</summary>
    /// <param name="name">The header's name.</param>
    /// <param name="value">The header's value, sent as it is.</param>
    /// <returns>The answer.</returns>
    public Fault WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new($"{_description}, {name}: {value}", async (request, time, token) =>
        {
            HttpResponseMessage response = await _answer(request, time, token).ConfigureAwait(false);
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content ??= new ByteArrayContent([]);
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        });
    }

    /// <summary>Describes the answer, as failure messages show it.</summary>
    /// <returns>Such as <c>503 Retry-After: 5</c>.</returns>
    public override string ToString() => _description;

    internal Task<HttpResponseMessage> AnswerAsync(HttpRequestMessage request, TimeProvider time, CancellationToken token) => _answer(request, time, token);

    private static HttpResponseMessage Response(HttpRequestMessage request, HttpStatusCode status) =>
        new(status) { RequestMessage = request, Content = new ByteArrayContent([]) };
}
