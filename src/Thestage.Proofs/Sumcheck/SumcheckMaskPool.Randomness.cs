using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// Committed randomness other than the sumcheck masks: uniform extension coefficients reserved in the pool before the
/// challenges they must not depend on (the masks <c>R_j</c> of a zero-knowledge logUp GKR's layers, the masked extension of
/// committed multiplicities), and claims that are linear functionals of them, batched into the chunk's one opening.
/// </summary>
/// <remarks>
/// <para>
/// Protocol (mirrored by <see cref="SumcheckMaskVerifier{T}.TryReserve"/> and <see cref="SumcheckMaskVerifier{T}.AccumulateLinear"/>):
/// <see cref="Reserve"/> takes the next <c>2n</c> base entries of the current chunk (committing a new chunk first when it is
/// short), which are <c>n</c> uniform extension coefficients bound by the chunk's root. A claim <c>v = Σ_i w_i·a_i</c> on them is
/// batched by <see cref="AddLinear"/> as a mask's <c>g(r)</c> is: <c>v</c> absorbed, <c>α</c> drawn, <c>α·w_i</c> added on the pair of
/// <c>a_i</c> as <c>(α·w_i, u·α·w_i)</c>.
/// </para>
/// <para>
/// Soundness: a false <c>v</c> survives the batching with probability at most <c>1/|E|</c> (the entries are fixed by the root
/// absorbed before the claim's point is drawn), then the chunk's opening, counted once per chunk. Hiding: the entries are read
/// by nothing else; the opening reveals the functional's value only.
/// </para>
/// </remarks>
internal sealed partial class SumcheckMaskPool<T>
{
    /// <summary>The transcript label of a linear claim on reserved entries.</summary>
    internal const string LinearValueLabel = "sumcheck/pool-linear-value";

    /// <summary>The transcript label of a linear claim's batching weight <c>α</c>.</summary>
    internal const string LinearBatchLabel = "sumcheck/pool-linear-batch";

    /// <summary>
    /// Reserves <paramref name="coefficients"/> uniform extension coefficients (<c>2·coefficients</c> base entries) in the current
    /// chunk, committing a new chunk first when it is short.
    /// </summary>
    /// <returns>The chunk, the base offset of the first coefficient, and the coefficients (secret; the caller clears its copy).</returns>
    public (Chunk Chunk, int Offset, T[] Values) Reserve(Transcript transcript, int coefficients)
    {
        int entries = 2 * coefficients;
        Chunk? chunk = _chunks.Count == 0 ? null : _chunks[^1];
        if (chunk is null || chunk.Used + entries > chunk.Table.Length)
        {
            chunk = CommitChunk(transcript, entries, []);
        }

        int offset = chunk.Used;
        chunk.Used += entries;
        var values = new T[coefficients];
        for (int i = 0; i < coefficients; i++)
        {
            values[i] = Read(chunk.Table, offset + (2 * i));
        }

        return (chunk, offset, values);
    }

    /// <summary>
    /// After the claim <paramref name="value"/> <c>= Σ_i weights[i]·a_i</c> on the coefficients reserved at <paramref name="offset"/>:
    /// absorbs it, draws <c>α</c> and adds the weighted functional and value to the chunk's.
    /// </summary>
    public static void AddLinear(Transcript transcript, Chunk chunk, int offset, ReadOnlySpan<T> weights, T value)
    {
        transcript.Absorb(LinearValueLabel, value);
        T alpha = transcript.Challenge<T>(LinearBatchLabel);
        AddPairs(chunk.Functional, offset, alpha, weights);
        chunk.Value += alpha * value;
    }

    /// <summary>Adds <c>α·w_i</c> as the base pair <c>(α·w_i, u·α·w_i)</c> of coefficient <c>i</c> from <paramref name="offset"/>.</summary>
    internal static void AddPairs(Span<T> functional, int offset, T alpha, ReadOnlySpan<T> weights)
    {
        T u = T.FromCoefficients([Goldilocks.Zero, Goldilocks.One]);
        for (int i = 0; i < weights.Length; i++)
        {
            T w = alpha * weights[i];
            functional[offset + (2 * i)] += w;
            functional[offset + (2 * i) + 1] += u * w;
        }
    }
}
