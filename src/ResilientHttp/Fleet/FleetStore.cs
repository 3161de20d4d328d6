namespace ResilientHttp;

/// <summary>
/// Where a fleet's processes share their retry budgets and host pauses (the <c>ResilientHttp.Redis</c> package; the
/// fleet simulator's modelled store). Registered in DI, it is given every host a client tracks; everything it does
/// happens off the call's path: a share enlists itself when it has something to report or needs a lease, and the
/// store reports, answers and publishes in the background.
/// </summary>
internal abstract class FleetStore
{
    /// <summary>Makes the share of a newly tracked host.</summary>
    /// <param name="client">The client name.</param>
    /// <param name="host">The host's state in this process.</param>
    /// <param name="capacity">The size of the fleet's bucket.</param>
    /// <param name="time">The client's clock.</param>
    public virtual FleetShare Join(string client, HostState host, int capacity, TimeProvider time) => new(this, client, host, capacity, time);

    /// <summary>
    /// A share has a report or needs a lease: the store takes it up soon, or at once when <paramref name="urgent"/>.
    /// Called once until the share's report is taken (<see cref="FleetShare.TakeReport"/>).
    /// </summary>
    public abstract void Enlist(FleetShare share, bool urgent);

    /// <summary>Gets how long a retry that found a stale lease waits for the store's answer before its process's own budget decides.</summary>
    public virtual TimeSpan AnswerTimeout => TimeSpan.FromMilliseconds(250);

    /// <summary>A share already enlisted needs a lease now: the store should take up its list at once.</summary>
    public virtual void Wake()
    {
    }

    /// <summary>Tells the fleet that the host asked this process's calls to hold off for <paramref name="hold"/>.</summary>
    public abstract void Publish(FleetShare share, TimeSpan hold, WaitSource source);
}
