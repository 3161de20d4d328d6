using System.Collections.Concurrent;
using System.Diagnostics;

namespace ResilientHttp.Tests;

/// <summary>
/// Placed below the resilient handler, records when each attempt of each call goes to the network, by the
/// call's <c>X-Call</c> header.
/// </summary>
internal sealed class SendLog
{
    public const string Header = "X-Call";

    private readonly ConcurrentDictionary<long, ConcurrentQueue<long>> _sends = new();

    public void Clear() => _sends.Clear();

    public DelegatingHandler CreateHandler() => new Recorder(this);

    /// <summary>Gets the <see cref="Stopwatch"/> timestamps of the sends of call <paramref name="id"/>.</summary>
    public IReadOnlyCollection<long> SendsOf(long id) => _sends.TryGetValue(id, out ConcurrentQueue<long>? sends) ? sends : [];

    private sealed class Recorder(SendLog log) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues(Header, out IEnumerable<string>? values) && long.TryParse(values.First(), out long id))
            {
                log._sends.GetOrAdd(id, _ => new ConcurrentQueue<long>()).Enqueue(Stopwatch.GetTimestamp());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
