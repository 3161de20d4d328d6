namespace ResilientHttp;

/// <summary>What the fleet's budget says of one retry, before the process's own bucket is asked.</summary>
internal enum FleetVerdict
{
    /// <summary>No answer from the store is in force (none yet, or the store is down): the local budget alone decides.</summary>
    Local,

    /// <summary>The lease the store granted pays for it; the local budget must pay too.</summary>
    Granted,

    /// <summary>The fleet has spent its budget (or, for a hedge, this process holds no fresh lease): no retry.</summary>
    Denied,

    /// <summary>This process's lease is stale and the store has been asked: decide again once it answers (<see cref="FleetShare.AnswerAsync"/>).</summary>
    Pending,
}
