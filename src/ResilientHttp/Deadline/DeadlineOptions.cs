namespace ResilientHttp;

/// <summary>
/// Options for telling the server how long the caller still waits, so that a server can shed work whose sender has
/// already given up instead of serving it (see <c>ResilientHttp.AspNetCore</c>'s <c>UseRequestDeadline</c>).
/// </summary>
public sealed class DeadlineOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether each attempt carries its remaining time, in whole milliseconds, as
    /// <c>Request-Timeout-Ms</c> (the shorter of <c>AttemptTimeout</c> and the time left before <c>TotalTimeout</c>;
    /// not sent when neither is set), and how many times the request was sent before as <c>Resend-Count</c> (0 on the
    /// first attempt).
    /// </summary>
    /// <value><see langword="false"/> by default.</value>
    public bool SendHeader { get; set; }
}
