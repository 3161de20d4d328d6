namespace ResilientHttp.Tests;

/// <summary>A response body that knows whether it was disposed.</summary>
internal sealed class TrackedContent(string body = "tracked") : StringContent(body)
{
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
