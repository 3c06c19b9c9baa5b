using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover against the proven minimality of the weight shifts in zero-knowledge model links (<c>TSML</c> v4): the
/// committed witness of a coarser (not minimal) shift lies below the int8 bound, a forged excess hides that, a signed
/// indicator other than ±1 scales the witness past the bound, and a published witness is smuggled back into a
/// zero-knowledge proof. Each is refused.
/// </summary>
public sealed class ProvenShiftMinimalityAttackTests
{
    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 9500);

    private static readonly Lazy<TrainingRun> Run = new(() =>
        TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 9501).Train, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(9502)));

    [Fact]
    public void CoarserShiftWithAWitnessBelowTheBound_IsRefused()
    {
        // σ_0 + 1 is a valid rounding but not the smallest: every weight of layer 0 fits int8 at σ_0, so no entry reaches the bound.
        TrainingRun run = Run.Value;
        FixedPointWeights final = run.Snapshots[^1];
        int[] sigma = ModelLinkArgument.WeightShifts(final);
        int[] coarse = [sigma[0] + 1, sigma[1]];
        CommittedModel coarser = CommittedModel.Commit(ModelLinkArgument.Quantize(final, 12, 6, coarse), LigeroParameters.DefaultHiding, new SeededSaltSource(9503));
        LigeroProverState[] states = run.WeightStates(run.Transcript.StepCount);

        // The prover's own witness (the first weight) has a negative excess: its residue's limbs leave the looked-up range.
        ModelLinkProof honest = ModelLinkArgument.Prove(run.Transcript, final, states, coarser, coarse, new SeededSaltSource(9504));
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, coarser.Commitment, honest, VerifierPolicy.Default), RejectionReason.Lookup);

        // The forger picks the weight nearest the bound and commits an in-range excess of 0 for it: the identity fails.
        int[] w = final.WeightsOf(0);
        int position = Enumerable.Range(0, w.Length).MaxBy(i => Math.Abs((long)w[i]));
        int inputs = Config.LayerSizes[0];
        int index = ((position / inputs) << Thestage.Proofs.Inference.TensorLayout.CeilLog2(inputs)) + (position % inputs);
        ModelLinkProof forged = ModelLinkArgument.Prove(run.Transcript, final, states, coarser, coarse, new SeededSaltSource(9505), (layout, limbs) =>
        {
            foreach (int segment in (int[])[layout.Indicators[0], layout.Signs[0], .. layout.Excess[0]])
            {
                Array.Clear(limbs[segment]);
            }

            limbs[layout.Indicators[0]][index] = Goldilocks.One;
            limbs[layout.Signs[0]][index] = w[position] >= 0 ? Goldilocks.One : -Goldilocks.One;
        });
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, coarser.Commitment, forged, VerifierPolicy.Default), RejectionReason.Relation, "shift minimality, layer 0");
    }

    [Fact]
    public void SignedIndicatorScalingTheWitnessPastTheBound_IsRefused()
    {
        // f = 2e at the witness would double w + h in the identity, making any weight above half the bound pass it; f² = e refuses it.
        TrainingRun run = Run.Value;
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9510));
        FixedPointWeights final = run.Snapshots[^1];
        LigeroProverState[] states = run.WeightStates(run.Transcript.StepCount);
        int[] sigma = ModelLinkArgument.WeightShifts(final);
        ModelLinkProof honest = ModelLinkArgument.Prove(run.Transcript, final, states, model, sigma, new SeededSaltSource(9511));
        VerdictAssert.Accepted(ModelLinkArgument.Check(run.Transcript, model.Commitment, honest, VerifierPolicy.Default));
        ModelLinkProof doubled = ModelLinkArgument.Prove(run.Transcript, final, states, model, sigma, new SeededSaltSource(9511), (layout, limbs) =>
        {
            Goldilocks[] f = limbs[layout.Signs[1]];
            for (int i = 0; i < f.Length; i++)
            {
                f[i] += f[i];
            }
        });
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, model.Commitment, doubled, VerifierPolicy.Default), RejectionReason.Relation, "shift minimality, layer 1");
    }

    [Fact]
    public void PublishedWitnessesInAZeroKnowledgeLink_AreRefused()
    {
        // TSML v2 and v3 published one weight per layer beside masked sumchecks; the object carrying them is refused, and so are
        // the bytes of those versions (ZeroKnowledgePoolAttackTests relabels v4 as each).
        TrainingRun run = Run.Value;
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9520));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(9521));
        Assert.Empty(proof.WitnessIndices);
        Assert.Empty(proof.WitnessValues);
        int[] w = run.Snapshots[^1].WeightsOf(0);
        var published = new ModelLinkProof(
            proof.WeightShiftArray, [0, 0], [w[0], run.Snapshots[^1].WeightsOf(1)[0]], proof.RemainderRoot, proof.MultiplicityArray, proof.SumcheckArray, proof.ValueArray,
            proof.RemainderOpeningArray, proof.TrainingOpeningArray, proof.ModelOpeningArray, proof.MaskChunks, proof.MaskOpenings, proof.ZeroKnowledgeLookup);
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, model.Commitment, published, VerifierPolicy.Default), RejectionReason.Format);
        Assert.Throws<ArgumentException>(() => ModelLinkProofSerializer.Serialize(published));
    }
}
