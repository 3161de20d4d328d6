namespace ResilientHttp;

/// <summary>Whether a withdrawal that finds a stale lease may wait for the store's answer.</summary>
internal enum FleetAsk
{
    /// <summary>It may not (a hedge, which is only worth sending now): a stale lease refuses it.</summary>
    NoWait,

    /// <summary>It may (a retry, whose response is still in hand): a stale lease makes it <see cref="FleetVerdict.Pending"/>.</summary>
    MayWait,

    /// <summary>It waited and the store did not answer in time: the local budget decides, as with a store that is down.</summary>
    Waited,
}
