namespace ResilientHttp.Demo;

/// <summary>How a line should stand out.</summary>
internal enum Tone
{
    Plain,
    Title,
    Good,
    Bad,
    Warn,
    Dim,
}
