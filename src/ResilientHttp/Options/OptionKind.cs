namespace ResilientHttp;

/// <summary>How an option's value is written in configuration.</summary>
internal enum OptionKind
{
    Boolean,
    Integer,
    Long,
    Number,
    Duration,
    OptionalDuration,
    Text,
    Methods,
    StatusCodes,
}
