using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace ResilientHttp.Redis.Tests;

/// <summary>
/// A real <c>redis-server</c> (Debian's package; <c>.ci/run</c> installs it) on 127.0.0.1 and a port of its own, that a
/// test can kill, hang (SIGSTOP) and bring back on the same port.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port)
    {
        Port = port;
    }

    public int Port { get; }

    /// <summary>Gets the StackExchange.Redis configuration string of the server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts the server (again) on its port, and waits until it answers.</summary>
    public async Task RestartAsync()
    {
        var start = new ProcessStartInfo("redis-server", ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--protected-mode", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            _process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("These tests need a real redis-server on PATH (Debian: apt-get install redis-server; .ci/run installs it).", ex);
        }

        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using ConnectionMultiplexer probe = await ConnectionMultiplexer.ConnectAsync(Configuration + ",connectTimeout=500");
                await probe.GetDatabase().PingAsync();
                return;
            }
            catch (RedisConnectionException) when (waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Kills the server at once (SIGKILL): connections drop mid-exchange.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Resume();
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Freezes the server (SIGSTOP): connections stay open and nothing is answered, a Redis that is only slow.</summary>
    public void Hang() => Signal("STOP");

    /// <summary>Lets a frozen server go on (SIGCONT).</summary>
    public void Resume() => Signal("CONT");

    /// <summary>Gets a connection of the test's own, for looking at the keys.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Configuration + ",allowAdmin=true");

    /// <summary>Gets the keys the server holds that match <paramref name="pattern"/>.</summary>
    public IEnumerable<RedisKey> Keys(ConnectionMultiplexer connection, string pattern) =>
        connection.GetServer(connection.GetEndPoints()[0]).Keys(pattern: pattern);

    public async ValueTask DisposeAsync() => await KillAsync();

    private void Signal(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using Process kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            kill.WaitForExit();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
