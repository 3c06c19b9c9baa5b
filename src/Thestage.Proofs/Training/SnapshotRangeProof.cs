using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// A proof that every entry of one committed parameter snapshot is a <c>W</c>-bit signed integer and every padding
/// entry is zero (<see cref="SnapshotRangeArgument"/>): the limb commitment, the multiplicities (public for a plain run,
/// committed in the masking pool for a hiding one), the logUp,
/// zero-check and recomposition messages, and the openings. Byte format: <see cref="SnapshotRangeProofSerializer"/>.
/// </summary>
public sealed class SnapshotRangeProof
{
    private readonly Goldilocks[] _multiplicities;
    private readonly SumcheckProof<GoldilocksExt2>[] _sumchecks;
    private readonly GoldilocksExt2[] _values;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _limbOpenings;
    private readonly LigeroOpeningProof<GoldilocksExt2>[] _weightOpenings;

    internal SnapshotRangeProof(
        int snapshot,
        Digest256 limbRoot,
        Goldilocks[] multiplicities,
        SumcheckProof<GoldilocksExt2>[] sumchecks,
        GoldilocksExt2[] values,
        LigeroOpeningProof<GoldilocksExt2>[] limbOpenings,
        LigeroOpeningProof<GoldilocksExt2>[] weightOpenings,
        SumcheckMaskChunk[]? maskChunks = null,
        LigeroOpeningProof<GoldilocksExt2>[]? maskOpenings = null)
    {
        MaskChunks = maskChunks ?? [];
        MaskOpenings = maskOpenings ?? [];
        Snapshot = snapshot;
        LimbRoot = limbRoot;
        _multiplicities = multiplicities;
        _sumchecks = sumchecks;
        _values = values;
        _limbOpenings = limbOpenings;
        _weightOpenings = weightOpenings;
    }

    /// <summary>The masking pool's chunks when the sumchecks are zero-knowledge (a hiding run); else empty.</summary>
    internal SumcheckMaskChunk[] MaskChunks { get; }

    /// <summary>The openings of the pool's chunks.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>[] MaskOpenings { get; }

    /// <summary>Whether the sumchecks are zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    internal bool IsMasked => MaskChunks.Length > 0 || (_sumchecks?.Any(s => s is not null && s.IsMasked) ?? false);

    /// <summary>Gets the snapshot index (0 initial, <c>t + 1</c> after step <c>t</c>).</summary>
    public int Snapshot { get; }

    /// <summary>Gets the Ligero root of the committed 8-bit limbs.</summary>
    public Digest256 LimbRoot { get; }

    /// <summary>Gets how often each table value <c>[0, 256)</c> occurs among the looked-up limbs; empty for a hiding run's proof, which commits them.</summary>
    public IReadOnlyList<Goldilocks> Multiplicities => _multiplicities;

    /// <summary>Gets the sumcheck proofs (the fractional sumcheck layers, one padding zero-check per snapshot polynomial, the claim batching), in order.</summary>
    public IReadOnlyList<SumcheckProof<GoldilocksExt2>> Sumchecks => _sumchecks;

    /// <summary>Gets the prover's field messages (logUp claims, then the limb evaluations at the zero-check points), in order.</summary>
    public IReadOnlyList<GoldilocksExt2> Values => _values;

    /// <summary>Gets the batched opening(s) of the limb polynomial.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> LimbOpenings => _limbOpenings;

    /// <summary>Gets the openings of the snapshot's weight polynomials, each at its zero-check (and recomposition) point.</summary>
    public IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>> WeightOpenings => _weightOpenings;

    internal LigeroOpeningProof<GoldilocksExt2>[] WeightOpeningArray => _weightOpenings;

    internal Goldilocks[] MultiplicityArray => _multiplicities;

    internal GoldilocksExt2[] ValueArray => _values;

    internal LigeroOpeningProof<GoldilocksExt2>[] LimbOpeningArray => _limbOpenings;

    internal SumcheckProof<GoldilocksExt2>[] SumcheckArray => _sumchecks;
}
