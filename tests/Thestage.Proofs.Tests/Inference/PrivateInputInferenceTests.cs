using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Private-input inference (issue 13): an input owner commits to <c>x</c> once (<c>TSIC</c>), a prover shows <c>y = f_W(x)</c> against
/// that commitment without revealing <c>x</c> (<c>TSIP</c> 0x8003). Honest proofs for an MLP and LeNet-5, the budget, the formats and
/// tampering; the attacks are in <c>Attacks/PrivateInputAttackTests</c>, the indistinguishability test in
/// <c>PrivateInputHidingTests</c>.
/// </summary>
public sealed class PrivateInputInferenceTests
{
    /// <summary>A hiding MLP 12-6-3 (its input is padded from 12 to 16 entries) and two of its inputs.</summary>
    internal static (CommittedModel Model, List<int[]> Inputs) Mlp(int seed, int inputs = 2)
    {
        var random = new Random(seed);
        (QuantizedModel model, List<int[]> samples) = TestModels.Quantized(TestModels.Mlp(random, [12, 6, 3]), random, inputs);
        return (CommittedModel.Commit(model, LigeroParameters.DefaultHiding, new SeededSaltSource(seed)), samples);
    }

    /// <summary>Commits an input under a budget with seeded randomness (tests only).</summary>
    internal static CommittedInput Commit(CommittedModel model, int[] input, int budget, int seed) =>
        CommittedInput.Commit(model.Commitment, input, LigeroParameters.DefaultHidingWithBudget(budget), new SeededSaltSource(seed));

    [Fact]
    public void HonestProofsForACommittedMlpInputAreAcceptedAndReadBackFromTheirBytes()
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(9100);
        CommittedInput input = Commit(model, inputs[0], 2, 9101);
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(9102));
        Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[0]), output);
        Assert.True(proof.HasPrivateInput);
        Assert.Equal(ProofVerdict.Accepted, InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, output, proof, VerifierPolicy.Default));

        byte[] commitmentBytes = InputCommitmentSerializer.Serialize(input.Commitment);
        Assert.Equal(71, commitmentBytes.Length);
        InputCommitment published = InputCommitmentSerializer.Deserialize(commitmentBytes);
        Assert.Equal(commitmentBytes, InputCommitmentSerializer.Serialize(published));
        Assert.Equal(input.Commitment.Fingerprint, published.Fingerprint);
        byte[] proofBytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal(0x8003, BitConverter.ToUInt16(proofBytes, 4));
        InferenceProof read = InferenceProofSerializer.Deserialize(proofBytes);
        Assert.Equal(proofBytes, InferenceProofSerializer.Serialize(read));
        Assert.True(InferenceVerifier.VerifyPrivateInput(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment)), published, output, read));
        Assert.True(InferenceVerifier.PrivateInputSoundnessBits(model.Commitment, published) >= VerifierPolicy.DefaultMinimumSoundnessBits);

        // The statement names the input commitment, not the input: the public-input verifier refuses the proof, and the
        // private-input verifier refuses a public-input proof of the same output.
        Assert.Equal(RejectionReason.Format, InferenceVerifier.Check(model.Commitment, inputs[0], output, read, VerifierPolicy.Default).Reason);
        (_, InferenceProof publicProof) = InferenceProver.Prove(model, inputs[0], new SeededSaltSource(9103));
        Assert.True(InferenceVerifier.Verify(model.Commitment, inputs[0], output, publicProof));
        Assert.Equal(RejectionReason.Format, InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, output, publicProof, VerifierPolicy.Default).Reason);
    }

    [Fact]
    public void HonestProofsForACommittedLeNet5InputAreAccepted()
    {
        var random = new Random(9110);
        Sequential source = TestModels.LeNet5(random, maxPooling: true);
        List<double[]> calibration = TestModels.Inputs(random, source.InputShape, 4);
        QuantizedModel quantized = Quantizer.Quantize(source, calibration, 8);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9111));
        int[] x = quantized.QuantizeInput(calibration[0]);
        CommittedInput input = Commit(model, x, 2, 9112);
        Assert.False(input.Commitment.Layout.HasPadding); // 1×32×32: no padding, so no zero-check
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(9113));
        Assert.Equal(IntegerEvaluator.Evaluate(quantized, x), output);
        InferenceProof read = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
        InputCommitment published = InputCommitmentSerializer.Deserialize(InputCommitmentSerializer.Serialize(input.Commitment));
        Assert.Equal(ProofVerdict.Accepted, InferenceVerifier.CheckPrivateInput(model.Commitment, published, output, read, VerifierPolicy.Default));
        int[] other = (int[])output.Clone();
        other[0] ^= 1;
        Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, published, other, read));
    }

    [Fact]
    public void TheInputCommitmentsOpeningBudgetIsEnforcedAndSurvivesRecommittingFromTheSeed()
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(9120);
        LigeroParameters budget = LigeroParameters.DefaultHidingWithBudget(2);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        CommittedInput input = CommittedInput.Commit(model.Commitment, inputs[0], seed, budget);
        Assert.Equal(2, input.ProofsRemaining);
        for (int b = 0; b < 2; b++)
        {
            (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(9121 + b));
            Assert.Equal(b, proof.InputOpening!.MaskIndex);
            Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, input.Commitment, output, proof));
        }

        Assert.Equal(0, input.ProofsRemaining);
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceProver.ProvePrivateInput(model, input));

        // The same input, seed and parameters give the published commitment; told how many openings were made, it goes on
        // from there (never reusing a mask set) and refuses once the budget is spent.
        CommittedInput again = CommittedInput.Commit(model.Commitment, inputs[0], seed, budget, openingsUsed: 1);
        Assert.Equal(input.Commitment.Fingerprint, again.Commitment.Fingerprint);
        (int[] y, InferenceProof last) = InferenceProver.ProvePrivateInput(model, again, new SeededSaltSource(9124));
        Assert.Equal(1, last.InputOpening!.MaskIndex);
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, again.Commitment, y, last));
        Assert.Throws<OpeningBudgetExhaustedException>(() => InferenceProver.ProvePrivateInput(model, again));
        Assert.Throws<ArgumentOutOfRangeException>(() => CommittedInput.Commit(model.Commitment, inputs[0], seed, budget, openingsUsed: 3));

        // Another input under the same seed is another commitment; so is the same input under another model seed's labels.
        Assert.NotEqual(input.Commitment.Fingerprint, CommittedInput.Commit(model.Commitment, inputs[1], seed, budget).Commitment.Fingerprint);

        // A verifier whose policy caps budgets below the commitment's refuses its proofs.
        Assert.Equal(
            RejectionReason.SoundnessPolicy,
            InferenceVerifier.CheckPrivateInput(model.Commitment, again.Commitment, y, last, new VerifierPolicy { MaximumOpeningBudget = 1 }).Reason);
    }

    [Fact]
    public void InputsOutsideTheModelsLayoutOrWithoutHidingAndBudgetAreNotCommitted()
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(9130);
        LigeroParameters budget = LigeroParameters.DefaultHidingWithBudget(2);
        int[] outOfRange = (int[])inputs[0].Clone();
        outOfRange[3] = 128;
        Assert.Throws<ArgumentException>(() => CommittedInput.Commit(model.Commitment, outOfRange, budget));
        Assert.Throws<ArgumentException>(() => CommittedInput.Commit(model.Commitment, inputs[0].AsSpan(1), budget));
        Assert.Throws<ArgumentException>(() => CommittedInput.Commit(model.Commitment, inputs[0], LigeroParameters.DefaultHiding));
        Assert.Throws<ArgumentException>(() => CommittedInput.Commit(model.Commitment, inputs[0], LigeroParameters.NonHidingForBenchmarks));

        // A plain model commitment cannot prove a private input (its sumchecks would reveal it), nor a model of another input shape.
        var random = new Random(9131);
        (QuantizedModel plainModel, _) = TestModels.Quantized(TestModels.Mlp(random, [12, 6, 3]), random, 1);
        CommittedModel plain = CommittedModel.Commit(plainModel, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9132));
        CommittedInput input = CommittedInput.Commit(model.Commitment, inputs[0], budget, new SeededSaltSource(9133));
        Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivateInput(plain, input));
        (CommittedModel wider, _) = InferenceTestKit.Mlp(9134, 1, 16, 6, 3);
        Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivateInput(wider, input));
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(9135));
        Assert.Equal(RejectionReason.Statement, InferenceVerifier.CheckPrivateInput(plain.Commitment, input.Commitment, output, proof, VerifierPolicy.Default).Reason);
        Assert.Equal(RejectionReason.Statement, InferenceVerifier.CheckPrivateInput(wider.Commitment, input.Commitment, output, proof, VerifierPolicy.Default).Reason);
        Assert.Equal(RejectionReason.Format, InferenceVerifier.CheckPrivateInput(model.Commitment, input.Commitment, output, null, VerifierPolicy.Default).Reason);
    }

    [Fact]
    public void TamperedPrivateInputProofsAreRejected()
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(9140);
        CommittedInput first = Commit(model, inputs[0], 4, 9141);
        CommittedInput second = Commit(model, inputs[1], 4, 9142);
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, first, new SeededSaltSource(9143));
        (int[] otherOutput, InferenceProof other) = InferenceProver.ProvePrivateInput(model, second, new SeededSaltSource(9144));
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, first.Commitment, output, proof));

        // Another input commitment, another output, the other proof's input opening, a changed input opening.
        Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, second.Commitment, output, proof));
        if (!output.SequenceEqual(otherOutput))
        {
            Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, first.Commitment, otherOutput, proof));
        }

        Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, first.Commitment, output, WithInputOpening(proof, other.InputOpening!)));
        LigeroOpeningProof<E> opening = proof.InputOpening!;
        foreach (int row in new[] { 0, 1 })
        {
            E[] proximity = opening.ProximityRow.ToArray(), evaluation = opening.EvaluationRow.ToArray();
            (row == 0 ? proximity : evaluation)[1] += E.One;
            var changed = new LigeroOpeningProof<E>(proximity, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof, opening.MaskIndex);
            ProofVerdict verdict = InferenceVerifier.CheckPrivateInput(model.Commitment, first.Commitment, output, WithInputOpening(proof, changed), VerifierPolicy.Default);
            Assert.Equal((RejectionReason.Opening, "opening of input"), (verdict.Reason, verdict.Relation));
        }

        // The input opening dropped (a masked public-input proof), or its mask set renamed.
        var dropped = new InferenceProof(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, proof.MaskChunks, proof.MaskOpenings);
        Assert.Equal(RejectionReason.Format, InferenceVerifier.CheckPrivateInput(model.Commitment, first.Commitment, output, dropped, VerifierPolicy.Default).Reason);
        var renamed = new LigeroOpeningProof<E>(opening.ProximityRow, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof, 1);
        Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, first.Commitment, output, WithInputOpening(proof, renamed)));

        // The flag of the format: cleared, the input opening is read as the masking pool; set on a public-input proof, the pool
        // is read as an input opening. Either is refused, never read as the other kind of proof.
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        bytes[5] &= 0x7F;
        Assert.False(ParsesAndVerifies(bytes, b => InferenceVerifier.Verify(model.Commitment, inputs[0], output, InferenceProofSerializer.Deserialize(b))));
        (_, InferenceProof publicProof) = InferenceProver.Prove(model, inputs[0], new SeededSaltSource(9145));
        byte[] publicBytes = InferenceProofSerializer.Serialize(publicProof);
        publicBytes[5] |= 0x80;
        Assert.False(ParsesAndVerifies(publicBytes, b => InferenceVerifier.VerifyPrivateInput(model.Commitment, first.Commitment, output, InferenceProofSerializer.Deserialize(b))));
        byte[] plainFlag = InferenceProofSerializer.Serialize(publicProof);
        plainFlag[4] = 1;
        plainFlag[5] = 0x80;
        Assert.Throws<ProofFormatException>(() => InferenceProofSerializer.Deserialize(plainFlag));
    }

    [Fact]
    public void EveryChangedByteOfAnInputCommitmentIsRefusedByTheFormatOrTheVerifier()
    {
        (CommittedModel model, List<int[]> inputs) = Mlp(9150);
        CommittedInput input = Commit(model, inputs[0], 2, 9151);
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, input, new SeededSaltSource(9152));
        byte[] bytes = InputCommitmentSerializer.Serialize(input.Commitment);
        Assert.True(InferenceVerifier.VerifyPrivateInput(model.Commitment, InputCommitmentSerializer.Deserialize(bytes), output, proof));
        int parsed = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            foreach (byte flip in new byte[] { 0x01, 0x80 })
            {
                byte[] changed = (byte[])bytes.Clone();
                changed[i] ^= flip;
                InputCommitment commitment;
                try
                {
                    commitment = InputCommitmentSerializer.Deserialize(changed);
                }
                catch (ProofFormatException)
                {
                    continue;
                }

                parsed++;
                Assert.False(InferenceVerifier.VerifyPrivateInput(model.Commitment, commitment, output, proof), $"byte {i} ^ 0x{flip:x2}");
            }
        }

        Assert.True(parsed >= 64, $"only {parsed} changed commitments parsed: the root's bytes should"); // the root's 32 bytes at least
        Assert.Throws<ProofFormatException>(() => InputCommitmentSerializer.Deserialize(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<ProofFormatException>(() => InputCommitmentSerializer.Deserialize([.. bytes, 0]));
    }

    internal static InferenceProof WithInputOpening(InferenceProof proof, LigeroOpeningProof<E> opening) =>
        new(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, opening, proof.MaskChunks, proof.MaskOpenings, proof.HidesClaims);

    private static bool ParsesAndVerifies(byte[] bytes, Func<byte[], bool> verify)
    {
        try
        {
            return verify(bytes);
        }
        catch (ProofFormatException)
        {
            return false;
        }
    }
}
