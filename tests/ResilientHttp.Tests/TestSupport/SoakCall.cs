using System.Diagnostics;

namespace ResilientHttp.Tests;

/// <summary>One call of the soak run: what was asked, what came back, and when.</summary>
internal sealed class SoakCall(long id, SoakCallKind kind, string client, Uri target)
{
    public long Id { get; } = id;

    public SoakCallKind Kind { get; } = kind;

    public string Client { get; } = client;

    public Uri Target { get; } = target;

    /// <summary>Gets or sets the SHA-256 of the body sent (hex), or <see langword="null"/> without a body.</summary>
    public string? BodyHash { get; set; }

    public long Started { get; set; }

    public long Ended { get; set; }

    /// <summary>Gets or sets when the caller cancelled (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long CanceledAt { get; set; }

    /// <summary>Gets or sets the status of the response the caller got, or 0.</summary>
    public int Status { get; set; }

    public Exception? Error { get; set; }

    public bool Hung { get; set; }

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(Started, Ended);

    /// <summary>Gets how long the call went on after its caller cancelled (zero when it was over already), or <see langword="null"/>.</summary>
    public TimeSpan? CancelLatency => CanceledAt == 0 ? null : CanceledAt >= Ended ? TimeSpan.Zero : Stopwatch.GetElapsedTime(CanceledAt, Ended);
}
