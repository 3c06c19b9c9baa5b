using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;

namespace Thestage.Proofs.Training;

/// <summary>
/// A proof that snapshot <c>Step + 1</c> of a recorded run is exactly one step of <see cref="FixedPointTrainer"/> applied
/// to snapshot <c>Step</c> on the batch the schedule selects (<see cref="TrainingStepProver"/> describes the protocol).
/// </summary>
/// <remarks>
/// Contents: the batch samples opened against the dataset root, the root of the committed witness limbs, the
/// sumcheck proofs and loose field elements in protocol order, and three Ligero openings (witness, snapshot before,
/// snapshot after; one per polynomial). A hiding run's proof opens no sample: it carries instead the claims' gather sumchecks (with
/// the others) and one hiding opening of the dataset commitment. Bytes: <see cref="TrainingStepProofSerializer"/>.
/// </remarks>
public sealed class TrainingStepProof
{
    internal TrainingStepProof(
        int step,
        BatchOpening? batch,
        Digest256 witnessRoot,
        SumcheckProof<GoldilocksExt2>[] sumchecks,
        GoldilocksExt2[] values,
        LigeroOpeningProof<GoldilocksExt2>[] witnessOpening,
        LigeroOpeningProof<GoldilocksExt2>[] beforeOpenings,
        LigeroOpeningProof<GoldilocksExt2>[] afterOpenings,
        SumcheckMaskChunk[]? maskChunks = null,
        LigeroOpeningProof<GoldilocksExt2>[]? maskOpenings = null,
        LigeroOpeningProof<GoldilocksExt2>[]? datasetOpening = null,
        bool hidesClaims = false)
    {
        HidesClaims = hidesClaims;
        DatasetOpening = datasetOpening ?? [];
        MaskChunks = maskChunks ?? [];
        MaskOpenings = maskOpenings ?? [];
        Step = step;
        Batch = batch;
        WitnessRoot = witnessRoot;
        Sumchecks = sumchecks;
        Values = values;
        WitnessOpening = witnessOpening;
        BeforeOpenings = beforeOpenings;
        AfterOpenings = afterOpenings;
    }

    /// <summary>Whether the relations are the zero-checks with hidden claims of a hiding run (<c>TSSP</c> v4, <see cref="StepZeroKnowledge"/>).</summary>
    internal bool HidesClaims { get; }

    /// <summary>The masking pool's chunks when the sumchecks are zero-knowledge (a hiding run), in commitment order; else empty.</summary>
    internal SumcheckMaskChunk[] MaskChunks { get; }

    /// <summary>The openings of the masking pool's chunks.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>[] MaskOpenings { get; }

    /// <summary>Whether the sumchecks are zero-knowledge (<see cref="SumcheckMask{T}"/>).</summary>
    internal bool IsMasked => MaskChunks.Length > 0 || Sumchecks.Any(s => s.IsMasked);

    /// <summary>Gets the step index <c>t</c>: the proof relates snapshots <c>t</c> and <c>t + 1</c>.</summary>
    public int Step { get; }

    /// <summary>Gets the number of batch samples the proof opens (0 for a hiding run's proof, which proves them without opening them).</summary>
    public int BatchSize => Batch?.Count ?? 0;

    /// <summary>The opened samples of a plain run's proof; null in a hiding run's.</summary>
    internal BatchOpening? Batch { get; }

    /// <summary>The hiding opening of the dataset commitment that discharges the gathered claims (a hiding run's proof); else empty.</summary>
    internal LigeroOpeningProof<GoldilocksExt2>[] DatasetOpening { get; }

    internal Digest256 WitnessRoot { get; }

    internal SumcheckProof<GoldilocksExt2>[] Sumchecks { get; }

    internal GoldilocksExt2[] Values { get; }

    internal LigeroOpeningProof<GoldilocksExt2>[] WitnessOpening { get; }

    internal LigeroOpeningProof<GoldilocksExt2>[] BeforeOpenings { get; }

    internal LigeroOpeningProof<GoldilocksExt2>[] AfterOpenings { get; }
}
