namespace ResilientHttp.Tests;

/// <summary>What a soak call sends.</summary>
internal enum SoakCallKind
{
    Get,
    Put,
    PostWithKey,
    PostWithoutKey,
}
