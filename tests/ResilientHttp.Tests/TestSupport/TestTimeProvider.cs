using ResilientHttp.Testing;

namespace ResilientHttp.Tests;

/// <summary>
/// The fake clock of the unit tests: the package's own <see cref="VirtualTime"/>, which knows its pending timers and
/// runs a call to its end (<c>RunAsync</c>), so that the library's tests exercise what its users test with.
/// </summary>
internal sealed class TestTimeProvider(DateTimeOffset start) : VirtualTime(start);
