namespace ResilientHttp;

/// <summary>
/// Thrown for a call refused, without touching the network, because the circuit of its host is open.
/// Derives from <see cref="HttpRequestException"/> so that existing <c>catch</c> blocks keep working.
/// </summary>
public sealed class CircuitOpenException : HttpRequestException
{
    /// <summary>Initializes a new instance of the <see cref="CircuitOpenException"/> class.</summary>
    public CircuitOpenException()
        : this(string.Empty, TimeSpan.Zero)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CircuitOpenException"/> class.</summary>
    /// <param name="message">The message.</param>
    public CircuitOpenException(string message)
        : base(message)
    {
        Authority = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="CircuitOpenException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The inner exception.</param>
    public CircuitOpenException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Authority = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="CircuitOpenException"/> class.</summary>
    /// <param name="authority">The refused host, as scheme://host:port.</param>
    /// <param name="retryAfter">The time until the circuit lets a probe through.</param>
    public CircuitOpenException(string authority, TimeSpan retryAfter)
        : base(
            retryAfter > TimeSpan.Zero
                ? $"The circuit for {authority} is open: the call was refused without being sent. The next probe is allowed in {retryAfter.TotalSeconds:0.###} s."
                : $"The circuit for {authority} is half-open: a probe is in flight, and the call was refused without being sent.",
            inner: null,
            statusCode: null)
    {
        Authority = authority;
        RetryAfter = retryAfter;
    }

    /// <summary>Gets the refused host, as scheme://host:port.</summary>
    public string Authority { get; }

    /// <summary>Gets the time until the circuit lets a probe through (zero while a probe is in flight).</summary>
    public TimeSpan RetryAfter { get; }
}
