using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Attacks on the hidden weights of <c>TSIP</c> v3 over a <c>TSMC</c> v7 commitment (<see cref="WeightMaskLayout"/>): weights other than
/// the committed ones, the masks of another proof's set, a weight claim moved onto the committed weights by a mask chosen after the
/// challenge, and the downgrade to a commitment without weight masks. Each is performed and refused.
/// </summary>
public sealed class HiddenWeightClaimAttackTests
{
    private const int Budget = 3;

    private static (CommittedModel Model, List<int[]> Inputs) Committed(LigeroParameters? parameters = null) =>
        ZeroKnowledgeClaimsInferenceTests.Model("mlp-10-6-4-batch-3", parameters ?? LigeroParameters.DefaultHidingWithBudget(Budget));

    /// <summary>The committed model with every weight of its first layer changed by one (within int8).</summary>
    private static QuantizedModel Tampered(QuantizedModel model)
    {
        QuantizedLayer dense = model.Layers[0];
        int[] weights = dense.Weights.ToArray().Select(w => w == 127 ? 126 : w + 1).ToArray();
        QuantizedLayer changed = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, weights, dense.Bias.ToArray(), dense.Shift);
        return new QuantizedModel(model.InputShape, model.InputBits, model.InputFractionBits, model.OutputFractionBits, [changed, .. model.Layers.Skip(1)]);
    }

    [Fact]
    public void TamperedWeights_ProvenAgainstHiddenWeights_AreRefused()
    {
        (CommittedModel model, List<int[]> inputs) = Committed();
        CommittedModel cheat = model.WithSubstitutedModel(Tampered(model.Model));
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(cheat, inputs, new SeededSaltSource(8700));
        Assert.True(proof.HidesClaims);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of weights");
    }

    [Fact]
    public void MasksOfAnotherSet_ReadByAProofWhoseOpeningsNameItsOwnSet_AreRefused()
    {
        // Proof 1 opens set 1 but reads set 2's masks (a prover reusing another slot's masks): the batching's functional is set 1's.
        (CommittedModel model, List<int[]> inputs) = Committed();
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8710), forgery: new InferenceProver.WeightMaskForgery(ReadSet: 2));
        Assert.All(proof.WeightOpenings, o => Assert.Equal(1, o.MaskIndex));
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, proof, VerifierPolicy.Default), RejectionReason.Opening, "opening of weights");

        // The control: the honest proof 2 of the same commitment, reading and opening set 2, is accepted.
        InferenceProof honest = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8711));
        Assert.All(honest.WeightOpenings, o => Assert.Equal(2, o.MaskIndex));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, witness.Outputs, honest));
    }

    [Fact]
    public void WeightClaimShiftedThroughAMaskChosenAfterTheChallenge_IsCaughtByTheWeightOpening()
    {
        // The forger proves the tampered weights' output: its zero-checks run on the tampered tables with set 1's masks. After the
        // challenges it picks, per weight claim, the mask coefficients c' with W̃(p) + ⟨m(p), c'⟩ = its claim for the COMMITTED weights W,
        // so the batching sumcheck over [W ‖ c'] is consistent with its claims; only the opening, bound to the committed masks, refuses it.
        (CommittedModel model, List<int[]> inputs) = Committed();
        CircuitPlan single = model.Commitment.Plan(1);
        Goldilocks[][] committedWeights = single.BuildWeightSegments(model.Model);
        SegmentLayout layout = model.Commitment.WeightLayout;
        var forgery = new InferenceProver.WeightMaskForgery(Tables: (claims, polynomials) =>
        {
            Goldilocks[][] forged = polynomials.Select(p => (Goldilocks[])p.Clone()).ToArray();
            foreach (SegmentClaim<E> claim in claims)
            {
                E committed = MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(committedWeights[claim.Segment], E.FromBase), claim.Point);
                Goldilocks[] table = forged[layout.PolynomialOf(claim.MaskSegment)];
                int offset = layout.OffsetOf(claim.MaskSegment);
                var functional = new E[MaskedExtension.Entries(claim.MaskPoint!.Length)];
                MaskedExtension.AddWeights<E>(claim.MaskPoint, E.One, functional, 0, 0, masksOnly: true);
                E current = E.Zero;
                for (int e = 0; e < functional.Length; e++)
                {
                    current += functional[e] * E.FromBase(table[offset + e]);
                }

                // Solve f_0·x_0 + f_1·x_1 = d over the base field (x_0, x_1 replace the first two mask entries).
                E d = claim.Value - committed - current + (functional[0] * E.FromBase(table[offset])) + (functional[1] * E.FromBase(table[offset + 1]));
                Goldilocks det = (functional[0].C0 * functional[1].C1) - (functional[0].C1 * functional[1].C0);
                Goldilocks inverse = Goldilocks.Invert(det);
                table[offset] = ((d.C0 * functional[1].C1) - (d.C1 * functional[1].C0)) * inverse;
                table[offset + 1] = ((functional[0].C0 * d.C1) - (functional[0].C1 * d.C0)) * inverse;
            }

            return forged;
        });
        CommittedModel cheat = model.WithSubstitutedModel(Tampered(model.Model));
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, cheat.Model, inputs);
        Assert.NotEqual(InferenceWitness.Build(plan, model.Model, inputs).Outputs.SelectMany(o => o), witness.Outputs.SelectMany(o => o));
        InferenceProof proof = InferenceProver.ProveWithWitness(cheat, plan, inputs, witness, new SeededSaltSource(8720), forgery: forgery);
        ProofVerdict verdict = InferenceVerifier.CheckBatch(model.Commitment, inputs, witness.Outputs, proof, VerifierPolicy.Default);
        VerdictAssert.Rejected(verdict, RejectionReason.Opening, "opening of weights");
        Assert.NotEqual(LigeroVerdict.Accepted, verdict.Opening); // the batching held: the Ligero opening of the committed masks refused
    }

    [Fact]
    public void Version3ProofAgainstAVersion6CommitmentThatWouldRevealItsWeightClaims_IsRefused()
    {
        // The commitment of before (a budget, no weight masks): still read as TSMC v6, its range proof verifies, but a v3 proof of it
        // would reveal the weight claims, so the verifier refuses it and says to commit again.
        (CommittedModel source, List<int[]> inputs) = Committed();
        CircuitPlan single = source.Commitment.Plan(1);
        LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(Budget);
        var salts = new SeededSaltSource(8730);
        CommittedModel old = CommittedModel.CommitSegments(source.Model, single, single.BuildWeightSegments(source.Model), parameters, _ => (salts, salts), salts, salts, hideWeights: false);
        byte[] bytes = ModelCommitmentSerializer.Serialize(old.Commitment);
        Assert.Equal(6, ZeroKnowledgeClaimsInferenceTests.Version(bytes));
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.False(reread.HiddenWeights);
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(reread));
        Assert.True(reread.VerifyWeightRanges());

        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(old, inputs, new SeededSaltSource(8731));
        Assert.True(proof.HidesClaims);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(reread, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.Format);

        // The v7 commitment relabelled as v6 is not a valid v6 (the hidden-weights word is digested and has no v6 field).
        byte[] v7 = ModelCommitmentSerializer.Serialize(source.Commitment);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(ZeroKnowledgeClaimsInferenceTests.WithVersion(v7, 6)));

        // The control: the v3 proof of the v7 commitment is accepted.
        (int[][] honestOutputs, InferenceProof honest) = InferenceProver.ProveBatch(source, inputs, new SeededSaltSource(8732));
        Assert.True(InferenceVerifier.VerifyBatch(source.Commitment, inputs, honestOutputs, honest));
    }
}
