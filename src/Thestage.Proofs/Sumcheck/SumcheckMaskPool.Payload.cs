using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Sumcheck;

/// <summary>
/// Secret tables committed in the masking pool beside the masks (a <em>payload</em>: the logUp multiplicities of a hiding
/// range proof), so that they are bound before the challenges that follow and their evaluations are proven by the pool's
/// existing hiding opening instead of a Ligero opening of their own.
/// </summary>
/// <remarks>
/// <para>
/// Protocol (mirrored by <see cref="SumcheckMaskVerifier{T}.TryEmbed"/> and <see cref="SumcheckMaskVerifier{T}.AccumulateEvaluation"/>):
/// <see cref="Embed"/> commits a new chunk whose first <c>2^k</c> entries are the payload <c>P</c> and the rest uniform, and
/// absorbs its root and size; later masks are read from the rest of that chunk as from any other. When the prover has sent a
/// claim <c>v = P̃(z)</c>, <see cref="AddEvaluation"/> absorbs <c>v</c>, draws <c>α</c> and adds <c>α·eq(z, ·)</c> on the payload's
/// entries and <c>α·v</c> to the chunk's functional and value, exactly as a mask's <c>g(r)</c> is batched.
/// </para>
/// <para>
/// Soundness: a false <c>v</c> survives the batching with probability at most <c>1/|E|</c> (the chunk's table, payload included,
/// is fixed by its root before <c>z</c> and <c>α</c> are drawn), then the opening's error, already counted once per chunk.
/// Hiding: the chunk's opening reveals only its functional's value, which is the batched sum of the revealed <c>g(r)</c> and
/// <c>v</c>; the payload's entries are read by no mask.
/// </para>
/// </remarks>
internal sealed partial class SumcheckMaskPool<T>
{
    /// <summary>The transcript label of a payload claim (absorbed again by <see cref="AddEvaluation"/>, so the batching binds it).</summary>
    internal const string PayloadValueLabel = "sumcheck/payload-value";

    /// <summary>The transcript label of a payload claim's batching weight <c>α</c>.</summary>
    internal const string PayloadBatchLabel = "sumcheck/payload-batch";

    /// <summary>
    /// Commits a new chunk holding <paramref name="payload"/> (a power-of-two number of entries) at offset 0, before the
    /// challenges the payload must not depend on; the rest of the chunk masks the following sumchecks.
    /// </summary>
    /// <param name="transcript">The transcript.</param>
    /// <param name="payload">The table.</param>
    /// <param name="reserve">Base entries the chunk must also hold after the payload (for <see cref="Reserve"/> in the same chunk).</param>
    /// <returns>The chunk, for <see cref="AddEvaluation"/>.</returns>
    public Chunk Embed(Transcript transcript, ReadOnlySpan<Goldilocks> payload, int reserve = 0)
    {
        if (payload.Length == 0 || !System.Numerics.BitOperations.IsPow2(payload.Length) || payload.Length > 1 << SumcheckMaskChunk.MaxLogSize)
        {
            throw new ArgumentException("A payload is a power-of-two table that fits one chunk.", nameof(payload));
        }

        return CommitChunk(transcript, payload.Length + reserve, payload);
    }

    /// <summary>
    /// After the claim <paramref name="value"/> <c>= P̃(point)</c> of the payload embedded in <paramref name="chunk"/>: absorbs it,
    /// draws <c>α</c> and adds <c>α·eq(point, ·)</c> and <c>α·value</c> to the chunk's functional and value. With
    /// <paramref name="maskPoint"/>, the claim is on the payload's masked extension <c>P̃(point) + ⟨m(maskPoint), c⟩</c>
    /// (<see cref="MaskedExtension"/>) whose coefficients <c>c</c> are reserved in the same chunk at <paramref name="maskOffset"/>.
    /// </summary>
    public static void AddEvaluation(Transcript transcript, Chunk chunk, ReadOnlySpan<T> point, T value, int maskOffset = -1, T[]? maskPoint = null)
    {
        transcript.Absorb(PayloadValueLabel, value);
        T alpha = transcript.Challenge<T>(PayloadBatchLabel);
        AddEqualityWeights(point, alpha, chunk.Functional);
        if (maskPoint is not null)
        {
            MaskedExtension.AddWeights<T>(maskPoint, alpha, chunk.Functional, 0, maskOffset, masksOnly: true);
        }

        chunk.Value += alpha * value;
    }

    /// <summary>Adds <c>α·eq(point, x)</c> to <c>functional[x]</c> for every <c>x</c> of the payload's cube (offset 0).</summary>
    internal static void AddEqualityWeights(ReadOnlySpan<T> point, T alpha, Span<T> functional)
    {
        T[] equality = EqPolynomial.Table(point);
        for (int x = 0; x < equality.Length; x++)
        {
            functional[x] += alpha * equality[x];
        }
    }
}
