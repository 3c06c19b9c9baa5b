namespace Thestage.Cli;

/// <summary>A command line that cannot run: an unknown verb or option, a missing or malformed value, or options that contradict each other (exit code 2).</summary>
internal sealed class UsageException(string message) : Exception(message);
