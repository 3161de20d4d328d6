namespace ResilientHttp.Tests;

/// <summary>Counts the sockets this process holds open, from <c>/proc/self/fd</c> (Linux only).</summary>
internal static class OpenSockets
{
    /// <summary>Gets whether the count can be taken on this machine.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd");

    /// <summary>Gets the number of open socket descriptors, or -1 where that cannot be read.</summary>
    public static int Count()
    {
        if (!Supported)
        {
            return -1;
        }

        int sockets = 0;
        foreach (string fd in Directory.EnumerateFiles("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(fd).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true)
                {
                    sockets++;
                }
            }
            catch (IOException)
            {
                // Closed between the listing and the read.
            }
        }

        return sockets;
    }
}
