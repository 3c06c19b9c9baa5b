using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// A proof that a committed inference model is <see cref="ModelLinkArgument.Quantize(FixedPointWeights, int, int)"/> of a training run's final
/// snapshot (<see cref="ModelLinkArgument"/>): the public weight shifts with their minimality witnesses (published by a plain
/// proof, committed and proven by a zero-knowledge one), the remainder commitment, the multiplicities (public for a plain proof, committed in the masking pool for a zero-knowledge one), the logUp and identity messages, and the openings. Byte format:
/// <see cref="ModelLinkProofSerializer"/>.
/// </summary>
public sealed class ModelLinkProof
{
    private readonly int[] _weightShifts;
    private readonly int[] _witnessIndices;
    private readonly int[] _witnessValues;
    private readonly Goldilocks[] _multiplicities;
    private readonly SumcheckProof<GoldilocksExt2>[] _sumchecks;
    private readonly GoldilocksExt2[] _values;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _remainderOpenings;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _trainingOpenings;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _modelOpenings;

    internal ModelLinkProof(
        int[] weightShifts,
        int[] witnessIndices,
        int[] witnessValues,
        Digest256 remainderRoot,
        Goldilocks[] multiplicities,
        SumcheckProof<GoldilocksExt2>[] sumchecks,
        GoldilocksExt2[] values,
        LigeroOpeningProof<GoldilocksExt2>[] remainderOpenings,
        LigeroOpeningProof<GoldilocksExt2>[] trainingOpenings,
        LigeroOpeningProof<GoldilocksExt2>[] modelOpenings,
        SumcheckMaskChunk[]? maskChunks = null,
        LigeroOpeningProof<GoldilocksExt2>[]? maskOpenings = null,
        bool zeroKnowledgeLookup = false)
    {
        ZeroKnowledgeLookup = zeroKnowledgeLookup;
        MaskChunks = maskChunks ?? [];
        MaskOpenings = maskOpenings ?? [];
        _weightShifts = weightShifts;
        _witnessIndices = witnessIndices;
        _witnessValues = witnessValues;
        RemainderRoot = remainderRoot;
        _multiplicities = multiplicities;
        _sumchecks = sumchecks;
        _values = values;
        _remainderOpenings = remainderOpenings;
        _trainingOpenings = trainingOpenings;
        _modelOpenings = modelOpenings;
    }

    /// <summary>The masking pool's chunks when the sumchecks are zero-knowledge (the run or the model is hiding); else empty.</summary>
    internal SumcheckMaskChunk[] MaskChunks { get; }

    /// <summary>The openings of the pool's chunks.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>[] MaskOpenings { get; }

    /// <summary>Whether the lookup is the zero-knowledge logUp GKR over masked limb columns (a hiding run's link, <c>TSML</c> v5).</summary>
    internal bool ZeroKnowledgeLookup { get; }

    /// <summary>Whether the sumchecks are zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    internal bool IsMasked => MaskChunks.Length > 0 || (_sumchecks?.Any(s => s is not null && s.IsMasked) ?? false);

    /// <summary>Gets the weight shift <c>σ_l</c> of every layer.</summary>
    public IReadOnlyList<int> WeightShifts => _weightShifts;

    /// <summary>
    /// Gets, per layer with <c>σ_l &gt; 0</c>, the index (in the padded weight matrix, <c>j·2^⌈log2 in⌉ + i</c>) of a
    /// weight with <c>round_(σ−1)(w) ∉ [−128, 127]</c>, showing that <c>σ_l</c> is the smallest shift; 0 when <c>σ_l = 0</c>.
    /// Empty for a zero-knowledge proof, which commits the witness and proves its property instead.
    /// </summary>
    public IReadOnlyList<int> WitnessIndices => _witnessIndices;

    /// <summary>Gets the weights at <see cref="WitnessIndices"/> (opened against the snapshot); 0 when <c>σ_l = 0</c>; empty for a zero-knowledge proof.</summary>
    public IReadOnlyList<int> WitnessValues => _witnessValues;

    /// <summary>Gets the Ligero root of the committed remainder and bias limbs.</summary>
    public Digest256 RemainderRoot { get; }

    /// <summary>Gets how often each table value <c>[0, 256)</c> occurs among the looked-up limbs; empty for a zero-knowledge proof, which commits them.</summary>
    public IReadOnlyList<Goldilocks> Multiplicities => _multiplicities;

    /// <summary>Gets the sumcheck proofs (fractional sumcheck layers, then the three claim batchings), in order.</summary>
    public IReadOnlyList<SumcheckProof<GoldilocksExt2>> Sumchecks => _sumchecks;

    /// <summary>Gets the prover's field messages, in order.</summary>
    public IReadOnlyList<GoldilocksExt2> Values => _values;

    /// <summary>Gets the batched opening of the remainder polynomial.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> RemainderOpenings => _remainderOpenings;

    /// <summary>Gets the batched openings of the final snapshot's polynomials.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> TrainingOpenings => _trainingOpenings;

    /// <summary>Gets the batched openings of the model's weight polynomials.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> ModelOpenings => _modelOpenings;

    internal int[] WeightShiftArray => _weightShifts;

    internal int[] WitnessIndexArray => _witnessIndices;

    internal int[] WitnessValueArray => _witnessValues;

    internal Goldilocks[] MultiplicityArray => _multiplicities;

    internal SumcheckProof<GoldilocksExt2>[] SumcheckArray => _sumchecks;

    internal GoldilocksExt2[] ValueArray => _values;

    internal LigeroOpeningProof<GoldilocksExt2>[] RemainderOpeningArray => _remainderOpenings;

    internal LigeroOpeningProof<GoldilocksExt2>[] TrainingOpeningArray => _trainingOpenings;

    internal LigeroOpeningProof<GoldilocksExt2>[] ModelOpeningArray => _modelOpenings;
}
