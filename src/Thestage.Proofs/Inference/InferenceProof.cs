using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Inference;

/// <summary>
/// A proof that a committed model maps a batch of inputs to a batch of outputs: the witness commitment root,
/// the sumcheck proofs and loose field elements in protocol order, the batched opening of the witness
/// polynomial and the batched opening(s) of the weight polynomial(s).
/// </summary>
/// <remarks>Produced by <see cref="InferenceProver"/>, checked by <see cref="InferenceVerifier"/>, serialized by <see cref="InferenceProofSerializer"/>.</remarks>
public sealed class InferenceProof
{
    private readonly SumcheckProof<GoldilocksExt2>[] _sumchecks;
    private readonly GoldilocksExt2[] _values;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _weightOpenings;
    private readonly SumcheckMaskChunk[] _maskChunks = [];
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _maskOpenings = [];

    /// <summary>Initializes a new proof (lists are copied).</summary>
    /// <param name="adviceRoot">The Merkle root of the witness commitment.</param>
    /// <param name="sumchecks">The sumcheck proofs, in protocol order.</param>
    /// <param name="values">The loose prover messages, in protocol order.</param>
    /// <param name="adviceOpening">The opening of the witness polynomial.</param>
    /// <param name="weightOpenings">The openings of the weight polynomials.</param>
    public InferenceProof(
        Digest256 adviceRoot,
        IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks,
        ReadOnlySpan<GoldilocksExt2> values,
        LigeroOpeningProof<GoldilocksExt2> adviceOpening,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> weightOpenings)
    {
        ArgumentNullException.ThrowIfNull(sumchecks);
        ArgumentNullException.ThrowIfNull(adviceOpening);
        ArgumentNullException.ThrowIfNull(weightOpenings);
        AdviceRoot = adviceRoot;
        _sumchecks = [.. sumchecks];
        _values = values.ToArray();
        AdviceOpening = adviceOpening;
        _weightOpenings = [.. weightOpenings];
        if (_sumchecks.Any(s => s is null) || _weightOpenings.Any(o => o is null))
        {
            throw new ArgumentException("Proof components must not be null.");
        }
    }

    /// <summary>Initializes a zero-knowledge proof: its sumchecks are masked from the pool whose chunks and openings it carries.</summary>
    internal InferenceProof(
        Digest256 adviceRoot,
        IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks,
        ReadOnlySpan<GoldilocksExt2> values,
        LigeroOpeningProof<GoldilocksExt2> adviceOpening,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> weightOpenings,
        IReadOnlyList<SumcheckMaskChunk> maskChunks,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> maskOpenings,
        bool hidesClaims = false)
        : this(adviceRoot, sumchecks, values, adviceOpening, weightOpenings)
    {
        HidesClaims = hidesClaims;
        _maskChunks = [.. maskChunks];
        _maskOpenings = [.. maskOpenings];
        if (_maskOpenings.Any(o => o is null))
        {
            throw new ArgumentException("Proof components must not be null.");
        }
    }

    /// <summary>
    /// Initializes a zero-knowledge proof for a private input (<see cref="InferenceProver.ProvePrivateInput"/>): a masked proof with the
    /// batched opening of the owner's <see cref="InputCommitment"/>; with <paramref name="hidesClaims"/> over the zero-knowledge relations (<c>0x8003</c>).
    /// </summary>
    internal InferenceProof(
        Digest256 adviceRoot,
        IReadOnlyList<SumcheckProof<GoldilocksExt2>> sumchecks,
        ReadOnlySpan<GoldilocksExt2> values,
        LigeroOpeningProof<GoldilocksExt2> adviceOpening,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> weightOpenings,
        LigeroOpeningProof<GoldilocksExt2> inputOpening,
        IReadOnlyList<SumcheckMaskChunk> maskChunks,
        IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> maskOpenings,
        bool hidesClaims = false)
        : this(adviceRoot, sumchecks, values, adviceOpening, weightOpenings, maskChunks, maskOpenings, hidesClaims)
    {
        ArgumentNullException.ThrowIfNull(inputOpening);
        InputOpening = inputOpening;
    }

    /// <summary>Gets the Merkle root of the witness (advice) commitment.</summary>
    public Digest256 AdviceRoot { get; }

    /// <summary>Gets the sumcheck proofs in protocol order.</summary>
    public IReadOnlyList<SumcheckProof<GoldilocksExt2>> Sumchecks => _sumchecks;

    /// <summary>Gets the loose prover messages in protocol order.</summary>
    public ReadOnlySpan<GoldilocksExt2> Values => _values;

    /// <summary>Gets the opening of the witness polynomial.</summary>
    public LigeroOpeningProof<GoldilocksExt2> AdviceOpening { get; }

    /// <summary>Gets the openings of the weight polynomials.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> WeightOpenings => _weightOpenings;

    internal GoldilocksExt2[] ValueArray => _values;

    /// <summary>Whether the sumchecks are zero-knowledge (<see cref="SumcheckMask{T}"/>): the proof of a hiding commitment.</summary>
    internal bool IsMasked => _maskChunks.Length > 0 || _sumchecks.Any(s => s.IsMasked);

    /// <summary>
    /// Whether the proof's relations are the zero-checks of <c>TSIP</c> v3 (<see cref="ZeroKnowledgeLayout"/>): its witness claims are masked
    /// (uniform), its lookup is the zero-knowledge logUp GKR, and the witness polynomial carries their masks, the lookup columns' masks and a
    /// random segment. A <c>TSIP</c> v2 proof (masked rounds, revealed claims)
    /// has <see langword="false"/> and is refused wherever v3 is required.
    /// </summary>
    internal bool HidesClaims { get; }

    /// <summary>The masking pool's chunks, in commitment order (empty for a plain proof).</summary>
    internal IReadOnlyList<SumcheckMaskChunk> MaskChunks => _maskChunks;

    /// <summary>The batched opening of the input commitment in a private-input proof; <see langword="null"/> in a proof for a public input.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>? InputOpening { get; }

    /// <summary>Whether the proof is for a committed (private) input rather than a public one.</summary>
    internal bool HasPrivateInput => InputOpening is not null;

    /// <summary>The openings of the pool's chunks.</summary>
    internal IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> MaskOpenings => _maskOpenings;
}
