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
/// <param name="Reframe">
/// For formats that wrap a payload in a frame the mutations would break first (compression, lengths, digests): given a
/// valid sample and a mutation of its inner payload, returns a well-framed input carrying the mutated payload (the frame's
/// lengths, compression and digests recomputed), so that the payload's own parser is reached. Used for one case in four.
/// </param>
public sealed record FuzzTarget(
    string Name,
    Func<byte[], object?> Parse,
    IReadOnlyList<byte[]> Samples,
    Func<Exception, bool> IsDocumented,
    IReadOnlyList<byte[]>? Hostile = null,
    Func<byte[], Func<byte[], byte[]>, byte[]>? Reframe = null);
