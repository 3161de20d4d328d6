namespace ResilientHttp.Tests.Integration;

/// <summary>
/// Tests that measure the whole process (sockets, managed memory, unobserved task exceptions) run alone,
/// after every other test of the assembly: nothing else opens sockets or allocates while they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoakCollection
{
    public const string Name = "Soak";
}
