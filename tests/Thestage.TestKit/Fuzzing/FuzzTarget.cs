namespace Thestage.TestKit.Fuzzing;

/// <summary>One parser under fuzzing: its name (a row of the figures table), how to run it, and what it may throw.</summary>
/// <param name="Name">The format's name, e.g. "TSPV ciphertext" or "TSMC model commitment".</param>
/// <param name="Parse">Parses one input; the result is disposed when it is <see cref="IDisposable"/>.</param>
/// <param name="Samples">Valid inputs to mutate (at least one). Include every variant of the format (compressed, seeded, …).</param>
/// <param name="IsDocumented">True for the documented exception of a malformed input (the format's own exception type).</param>
/// <param name="Hostile">
/// Valid-but-hostile inputs: well-formed framing around content chosen to hurt (a small compressed stream that
/// expands to gigabytes, a header announcing 2^30 elements, …). Each is run as it is and then mutated like a sample.
/// </param>
public sealed record FuzzTarget(
    string Name,
    Func<byte[], object?> Parse,
    IReadOnlyList<byte[]> Samples,
    Func<Exception, bool> IsDocumented,
    IReadOnlyList<byte[]>? Hostile = null);
