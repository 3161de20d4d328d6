using System.Runtime.ExceptionServices;

namespace ResilientHttp;

/// <summary>How one attempt ended: its response or exception, its classified outcome, and whether the deadline cut it.</summary>
internal readonly record struct AttemptResult(HttpResponseMessage? Response, ExceptionDispatchInfo? Error, AttemptOutcome Outcome, bool CutByDeadline);
