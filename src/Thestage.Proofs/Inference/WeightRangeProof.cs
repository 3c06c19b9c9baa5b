using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>
/// A one-time proof, published with a <see cref="ModelCommitment"/>, that every committed weight is an int8
/// (<c>w + 128 ∈ [0, 2^8)</c>) and every padding entry of every weight and bias segment is zero: the multiplicities
/// (public for a plain commitment, committed in the masking pool for a hiding one), the logUp and zero-check messages and
/// the batched weight opening(s).
/// </summary>
/// <remarks>
/// The logUp argument of Haböck (eprint 2022/1530) over all weight segments with offset 128, and one zero-check
/// sumcheck per segment against the architecture's padding indicator (<c>WeightRangeArgument</c>); soundness
/// <c>(N + 256 + 1.5·L² + 2L)/|F| + Σ_σ 4·v_σ/|F|</c> plus the batching and the openings' (see <see cref="InferenceVerifier"/>,
/// which counts it in every inference proof's figure). Checked by <see cref="ModelCommitment.VerifyWeightRanges"/>.
/// </remarks>
public sealed class WeightRangeProof
{
    private readonly Goldilocks[] _multiplicities;
    private readonly SumcheckProof<GoldilocksExt2>[] _sumchecks;
    private readonly GoldilocksExt2[] _values;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _openings;

    /// <summary>Initializes a new proof (lists are copied).</summary>
    /// <param name="multiplicities">How often each of the 256 table values occurs (public).</param>
    /// <param name="sumchecks">The sumcheck proofs, in protocol order.</param>
    /// <param name="values">The loose prover messages, in protocol order.</param>
    /// <param name="openings">The openings of the weight polynomials.</param>
    public WeightRangeProof(
        ReadOnlySpan<Goldilocks> multiplicities,
        IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks,
        ReadOnlySpan<GoldilocksExt2> values,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> openings)
    {
        ArgumentNullException.ThrowIfNull(sumchecks);
        ArgumentNullException.ThrowIfNull(openings);
        _multiplicities = multiplicities.ToArray();
        _sumchecks = [.. sumchecks];
        _values = values.ToArray();
        _openings = [.. openings];
        if (_sumchecks.Any(s => s is null) || _openings.Any(o => o is null))
        {
            throw new ArgumentException("Proof components must not be null.");
        }
    }

    /// <summary>Initializes a zero-knowledge proof (a hiding commitment's): its sumchecks are masked from the pool it carries.</summary>
    internal WeightRangeProof(
        ReadOnlySpan<Goldilocks> multiplicities,
        IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks,
        ReadOnlySpan<GoldilocksExt2> values,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> openings,
        IReadOnlyList<SumcheckMaskChunk> maskChunks,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> maskOpenings)
        : this(multiplicities, sumchecks, values, openings)
    {
        MaskChunks = [.. maskChunks];
        MaskOpenings = [.. maskOpenings];
    }

    /// <summary>The masking pool's chunks (empty for a plain proof).</summary>
    internal SumcheckMaskChunk[] MaskChunks { get; } = [];

    /// <summary>The openings of the pool's chunks.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>[] MaskOpenings { get; } = [];

    /// <summary>Whether the sumchecks are zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    internal bool IsMasked => MaskChunks.Length > 0 || _sumchecks.Any(s => s.IsMasked);

    /// <summary>
    /// Gets the multiplicities of the table values <c>0 … 255</c> (the histogram of the int8 weights); empty for a hiding
    /// commitment's proof, which commits them instead of publishing them.
    /// </summary>
    public ReadOnlySpan<Goldilocks> Multiplicities => _multiplicities;

    /// <summary>Gets the sumcheck proofs in protocol order.</summary>
    public IReadOnlyList<SumcheckProof<GoldilocksExt2>> Sumchecks => _sumchecks;

    /// <summary>Gets the loose prover messages in protocol order.</summary>
    public ReadOnlySpan<GoldilocksExt2> Values => _values;

    /// <summary>Gets the openings of the weight polynomials.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> Openings => _openings;

    internal Goldilocks[] MultiplicityArray => _multiplicities;

    internal GoldilocksExt2[] ValueArray => _values;
}
