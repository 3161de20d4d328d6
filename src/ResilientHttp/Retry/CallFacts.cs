namespace ResilientHttp;

/// <summary>What is known about a call before its first send and does not change between attempts.</summary>
/// <param name="RetriesAllowed">Retries are on for the client and not turned off for this call.</param>
/// <param name="SafeToResend">A resend cannot duplicate an effect (R5): idempotent method, key, policy or declaration.</param>
/// <param name="BodyReplayable">Every attempt can send the whole body (R6).</param>
/// <param name="Hedgeable">
/// Hedging is on and the request may be sent twice at once: an idempotent method, or declared idempotent. An
/// idempotency key alone is not enough: a server that dedupes by key answers a copy that arrives while the first is
/// still running with a conflict, not with the first one's answer.
/// </param>
internal readonly record struct CallFacts(bool RetriesAllowed, bool SafeToResend, bool BodyReplayable, bool Hedgeable = false);
