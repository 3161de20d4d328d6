using System.Net;

namespace ResilientHttp.Tests.Retry;

/// <summary>R7: a response that will be retried is disposed before the wait.</summary>
public sealed class ResponseDisposalTests
{
    [Fact]
    public async Task Send_RetriedResponse_IsDisposedBeforeTheWaitAndTheLastIsNot()
    {
        var contents = new List<TrackedContent>();
        using var sut = TestClient.Create();
        sut.Respond(() =>
        {
            var content = new TrackedContent();
            contents.Add(content);
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = content };
        });

        Task<HttpResponseMessage> call = sut.Client.GetAsync("/r");
        await FakeTimeExtensions.UntilAsync(() => contents.Count == 1 && contents[0].Disposed);

        // The first attempt is answered, its response released, and the clock has not moved: the
        // handler is still waiting its backoff.
        sut.Time.GetUtcNow().ShouldBe(TestClient.Start);
        contents.Count.ShouldBe(1);

        using HttpResponseMessage response = await sut.RunAsync(call);
        contents.Count.ShouldBe(4);
        contents.Take(3).ShouldAllBe(c => c.Disposed);
        contents[3].Disposed.ShouldBeFalse();
    }
}
