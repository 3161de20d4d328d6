// One call through AddResilientHandler, as a user of the package would make it, to a real server on loopback
// that answers 503 once and then 200: the call must succeed after exactly two sends.
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;

using var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
int sends = 0;
using var stop = new CancellationTokenSource();
Task server = ServeAsync(listener, () => Interlocked.Increment(ref sends) == 1 ? "503 Service Unavailable" : "200 OK", stop.Token);

var services = new ServiceCollection();
services.AddHttpClient("consumer", client => client.BaseAddress = address)
    .AddResilientHandler(options => options.Retry.BaseDelay = TimeSpan.FromMilliseconds(10));
await using ServiceProvider provider = services.BuildServiceProvider();

HttpClient http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("consumer");
using HttpResponseMessage response = await http.GetAsync("greeting").WaitAsync(TimeSpan.FromSeconds(30));
string body = await response.Content.ReadAsStringAsync();
stop.Cancel();
listener.Stop();
await server.ContinueWith(_ => { }, TaskScheduler.Default);

bool ok = response.StatusCode == HttpStatusCode.OK && body == "hello" && Volatile.Read(ref sends) == 2;
Console.WriteLine($"consumer: {(int)response.StatusCode} \"{body}\" after {Volatile.Read(ref sends)} sends: {(ok ? "as expected" : "expected 200 \"hello\" after 2 sends")}");
return ok ? 0 : 1;

// A minimal HTTP/1.1 server: one request per connection, answered with the status of the moment.
static async Task ServeAsync(TcpListener listener, Func<string> status, CancellationToken cancellationToken)
{
    while (!cancellationToken.IsCancellationRequested)
    {
        using TcpClient connection = await listener.AcceptTcpClientAsync(cancellationToken);
        NetworkStream stream = connection.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[4096];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        string line = status();
        string content = line.StartsWith("200", StringComparison.Ordinal) ? "hello" : "";
        byte[] answer = Encoding.ASCII.GetBytes($"HTTP/1.1 {line}\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n{content}");
        await stream.WriteAsync(answer, cancellationToken);
    }
}
