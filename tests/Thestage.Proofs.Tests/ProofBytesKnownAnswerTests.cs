using System.Security.Cryptography;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests;

/// <summary>
/// Pins the exact bytes of seeded proofs of every kind (SHA-256 of the serialized objects), so that a change of the
/// prover's arithmetic — vector kernels, fused sumcheck rounds, a new NTT or Merkle hashing — that alters a single bit is
/// caught. The prover is deterministic given its salts (Fiat–Shamir), so equal bytes mean an unchanged prover.
/// </summary>
/// <remarks>
/// Known answers: computed by the scalar prover of commit ec4b185 (before the vectorised kernels), whose arithmetic is
/// the field definitions checked against BigInteger in <c>Fields/GoldilocksTests</c>. The two training digests were
/// pinned again when <see cref="TrainingRun"/> began deriving each snapshot's salts from a seed (the salts, hence the
/// roots and challenges, differ; the byte formats and the verifiers do not, and proofs of either version verify with the other). The MLP and CNN digests
/// were pinned again when the quantizer began following calibrated ranges instead of the worst case (other shifts, hence
/// another model; checked equal at every SIMD width), and again when issue 13 changed two layout rules, not the arithmetic:
/// tensors no ReLU reads are committed as two 8-bit limbs instead of three, and a model's weight segments are split into two
/// polynomials only when the two openings are estimated smaller than one (<c>SegmentLayout</c>). CI reruns this class with AVX-512
/// and with all hardware intrinsics switched off, so the scalar, AVX2 and AVX-512 paths must all give these bytes.
/// The sizes are chosen so that every kernel runs full vectors and tails (row lengths 2^0 … 2^12, odd table sizes).
/// <c>TSMC</c> v3 and <c>TSTT</c> v4 changed only the version fields of plain commitments (the hiding bit is clear), so those
/// objects are hashed with their previous version numbers written back (<see cref="WithVersion"/>) against the digests
/// pinned before, after asserting the current version. Hiding commitments draw their masks from the injected salt source,
/// so their bytes are pinned too (<see cref="HidingLigeroCommitmentAndOpening"/>, <see cref="HidingModelCommitmentAndInferenceProof"/>),
/// computed by this prover at its first commit: they guard against changes, not against an independent computation. So is
/// the max-pooling CNN's (<see cref="ModelCommitmentAndInferenceProofOfAMaxPoolingCnn"/>), computed by the prover of commit
/// 02ef7ba, before the inference relations were written once for prover and verifier. The hiding inference proof is a
/// zero-knowledge one since <c>TSIP</c> v2, and its model commitment's range proof since <c>TSMC</c> v4 (masked sumchecks and
/// the masking pools' openings: new content rather than a new version field), so that digest was pinned again from this
/// prover at that commit; plain proofs and commitments keep their versions and digests.
/// The hiding pins keep the hiding parameters they were computed with (<see cref="FirstHiding"/>: log blowup 4, 130 queries),
/// which showed that the default's change to log blowup 5 and 117 queries changed no format; the new default's bytes are
/// pinned beside them (<see cref="DefaultHidingLigeroCommitmentAndOpening"/>, <see cref="DefaultHidingModelCommitmentAndInferenceProof"/>;
/// the latter from the prover that first had both the masked sumchecks and the new default, the merge of h/zk and h/ligero,
/// while the first hiding pin reproduced the masked-sumcheck digest of h/zk unchanged). Both hiding inference pins were pinned
/// again from the prover of h/zkmult when the hiding commitment's range proof began committing its multiplicities in the masking
/// pool (<c>TSMC</c> v5: no multiplicities field, the pool's first chunk holding them, another transcript); the plain pins did not move. Budgeted openings (<c>TSLG</c> v2) and commitments (<c>TSMC</c> v6: version 5 with the budget) are pinned
/// beside them (<see cref="BudgetedHidingLigeroCommitmentAndOpening"/>, <see cref="BudgetedModelCommitmentAndInferenceProof"/>),
/// the latter pinned again when the two were merged. The three hiding inference pins were pinned again from the prover of
/// h/zkinfer when hiding MLP proofs became <c>TSIP</c> v3 (zero-checks with masked witness claims, the witness polynomial with
/// their masks and a random segment); the model commitments in them did not change. They were pinned again from the prover of
/// h/zklookup when <c>TSIP</c> v3 (unreleased, changed in place) began running the zero-knowledge logUp GKR (the multiplicities in the
/// masking pool, a mask segment per lookup column in the witness polynomial, degree-5 layers); the model commitments did not change.
/// The budgeted pin was pinned again from the merge of h/zklookup and h/zkweights, when budgeted hiding commitments became
/// <c>TSMC</c> v7 (a weight mask set per opening, the weight and bias factors of the v3 zero-checks masked), and again from h/zklink
/// when v7 (unreleased, changed in place) gave its range proof set 0's lookup and padding masks and the zero-knowledge logUp GKR.
/// </remarks>
public sealed class ProofBytesKnownAnswerTests
{
    /// <summary>The hiding parameters of the first hiding pins (<see cref="LigeroParameters.DefaultHiding"/> until log blowup 5).</summary>
    private static readonly LigeroParameters FirstHiding = new(4, 130, hiding: true);

    private static readonly TrainingConfig TrainingConfig =
        new([20, 12, 5], batchSize: 4, learningRateShift: 3, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 515);

    private static readonly Lazy<(TrainingDataset Data, TrainingRun Run)> Training = new(() =>
    {
        TrainingDataset data = SyntheticData.Blobs(TrainingConfig, 48, 1, 0.4, 516).Train;
        return (data, TrainingRun.Record(TrainingConfig, data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(517)));
    });

    [Theory]
    [InlineData(0, "ee98a51a8a9304a4bfb61f39f904e7fc74f48fdd1c648529e031e84df20b17e1")]
    [InlineData(3, "4fb42a28e92d570b8b7ace3aff7a3afce5faa5d0a2613877bf7eeeb7dc93c7c9")]
    [InlineData(9, "e48524fd82a3253dcb29bf60250de6e050434e5185e31aa2ee1ee21c01351366")]
    [InlineData(14, "caae06ea74a16941717a6843a1ccf16c492f90036e5ab01581ef57bb9f8c1e19")]
    [InlineData(17, "78973fb562dd0e6fca6f9177e476f12a994d8cdc0e5dc777e1e6478dcda0eaf0")]
    public void LigeroCommitmentAndOpening(int numVariables, string expected)
    {
        var words = new SeededWordSource(530 + numVariables);
        Goldilocks[] table = words.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[] point = words.NextArray<GoldilocksExt2>(numVariables);
        LigeroProverState state = LigeroProver.Commit(table, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(531));
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript("known-answer"), state, point, out GoldilocksExt2 value);
        byte[] valueBytes = new byte[16];
        value.WriteTo(valueBytes);
        AssertDigest(expected, state.Commitment.Root.ToArray(), valueBytes, LigeroProofSerializer.Serialize(proof));
    }

    [Fact]
    public void ModelCommitmentAndInferenceProofOfAnMlp()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 540, 3, 50, 24, 10);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 541);
        AssertDigest("c71ebbb3a861fdc1868f7e3be3b711d250a75e61defe71f5e30fb0d50c5a9296", WithVersion(ModelCommitmentSerializer.Serialize(model.Commitment), 3, 2), InferenceProofSerializer.Serialize(proof));
    }

    [Fact]
    public void ModelCommitmentAndInferenceProofOfACnn()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(542, 2, 2, 10, 3, 3, 1, 1, 4, LigeroParameters.NonHidingForBenchmarks);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 543);
        AssertDigest("eedbc3efa3f477b3d78750be38bc5a86d19f8bfe836cfea03db2a543f6d25141", WithVersion(ModelCommitmentSerializer.Serialize(model.Commitment), 3, 2), InferenceProofSerializer.Serialize(proof));
    }

    [Fact]
    public void ModelCommitmentAndInferenceProofOfAMaxPoolingCnn()
    {
        (CommittedModel model, List<int[]> inputs) = MaxPoolProofTests.Model(544, 3, 7, 2, reluAfter: true, parameters: LigeroParameters.NonHidingForBenchmarks);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 545);
        AssertDigest("f680893eea69bd0ca1b015138e492cd9d0a12d35568840c8debbfd4ade2ce53d", ModelCommitmentSerializer.Serialize(model.Commitment), InferenceProofSerializer.Serialize(proof));
    }

    [Fact]
    public void TrainingTranscriptStepRangeAndInitialProofs()
    {
        (TrainingDataset data, TrainingRun run) = Training.Value;
        AssertDigest(
            "8e6fd9114cb066089a7c94904d6810ade7c62871765aea3f56cd29e59c235fec",
            WithVersion(TrainingTranscriptSerializer.Serialize(run.Transcript), 4, 3),
            TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(550))),
            SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(551))),
            InitialSnapshotProofSerializer.Serialize(InitialSnapshotArgument.Prove(run)));
    }

    [Fact]
    public void ModelLinkProof()
    {
        (_, TrainingRun run) = Training.Value;
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(560));
        AssertDigest("55d15877377c8b28b4aee4ef6e0a2015f7f903a84f4977e3be329c9908dbdf8b", ModelLinkProofSerializer.Serialize(ModelLinkArgument.Prove(run, model, new SeededSaltSource(561))));
    }

    [Theory]
    [InlineData(0, "f140bdf569c2038ee23b116e8a5edf972198a8b19e71e96dba5c726be134050e")]
    [InlineData(9, "1a66c419b8d2deacf435634dfaf7063bf3806f40ae7466502201bcbbdeb82405")]
    [InlineData(17, "93106d542b18ceb5b457e82be78e1988cdca36fe92590b0c5d412e31a1a4986f")]
    public void HidingLigeroCommitmentAndOpening(int numVariables, string expected) =>
        AssertHidingOpening(FirstHiding, numVariables, expected);

    [Theory]
    [InlineData(0, "8efbbda2a4f3429ef354e04a686820f6aa4bc97cd301052dd66e6bfe027e556f")]
    [InlineData(9, "efb3edf3c83435401aff3993368b64173b5d571d0cd5396efd258135c2d45b08")]
    [InlineData(17, "7c3ebd56ebd86ff76575536a8365fa56ef4c128afaf26cc83d1f507cbbf8f6fd")]
    public void DefaultHidingLigeroCommitmentAndOpening(int numVariables, string expected) =>
        AssertHidingOpening(LigeroParameters.DefaultHiding, numVariables, expected);

    [Theory]
    [InlineData(0, "29c39c2c92dadda0acb8e551cf1e91cb20b1476f83f6f693634a53538b806bf9")]
    [InlineData(9, "b61ecbce703393e17e7768e2e173f3a226090322c3bcb02f4658f01b1cde55d1")]
    public void BudgetedHidingLigeroCommitmentAndOpening(int numVariables, string expected) =>
        AssertHidingOpening(LigeroParameters.DefaultHidingWithBudget(4), numVariables, expected);

    private static void AssertHidingOpening(LigeroParameters parameters, int numVariables, string expected)
    {
        var words = new SeededWordSource(570 + numVariables);
        Goldilocks[] table = words.NextArray<Goldilocks>(1 << numVariables);
        GoldilocksExt2[] point = words.NextArray<GoldilocksExt2>(numVariables);
        LigeroProverState state = LigeroProver.Commit(table, parameters, new SeededSaltSource(571));
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript("known-answer"), state, point, out GoldilocksExt2 value);
        byte[] valueBytes = new byte[16];
        value.WriteTo(valueBytes);
        AssertDigest(expected, state.Commitment.Root.ToArray(), valueBytes, LigeroProofSerializer.Serialize(proof));
    }

    [Fact]
    public void HidingModelCommitmentAndInferenceProof() =>
        AssertHidingInference(FirstHiding, "06d1f422f9357bf355085437b5c3a57158fa89c890bec8da668149f0b5da4204");

    [Fact]
    public void DefaultHidingModelCommitmentAndInferenceProof() =>
        AssertHidingInference(LigeroParameters.DefaultHiding, "30bb69ccd3f1615d10133e593db72092aed2f10761915f35de6eacb6defecc07");

    [Fact]
    public void BudgetedModelCommitmentAndInferenceProof() =>
        AssertHidingInference(LigeroParameters.DefaultHidingWithBudget(3), "de05238f3aa9573aea44830d3b6ceb2b36c3107470db1f09dbf6d57d211e7bc0", commitmentVersion: 7);

    private static void AssertHidingInference(LigeroParameters parameters, string expected, ushort commitmentVersion = 5)
    {
        var random = new Random(580);
        (Thestage.Proofs.Quantization.QuantizedModel quantized, List<int[]> inputs) = Quantization.TestModels.Quantized(Quantization.TestModels.Mlp(random, [50, 24, 10]), random, 3);
        CommittedModel model = CommittedModel.Commit(quantized, parameters, new SeededSaltSource(581));
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 582);
        byte[] commitmentBytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        byte[] proofBytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal(commitmentVersion, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(commitmentBytes.AsSpan(4)));
        Assert.Equal(3, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(proofBytes.AsSpan(4)));
        AssertDigest(expected, commitmentBytes, proofBytes);
    }

    /// <summary>The bytes with the u16 version field (after the 4-byte magic) asserted to be <paramref name="current"/> and set to <paramref name="previous"/>.</summary>
    private static byte[] WithVersion(byte[] bytes, ushort current, ushort previous)
    {
        Assert.Equal(current, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), previous);
        return bytes;
    }

    private static void AssertDigest(string expected, params byte[][] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (byte[] part in parts)
        {
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }

        string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
        Assert.True(expected == actual, $"The proof bytes changed: SHA-256 {actual}, expected {expected}.");
    }
}
