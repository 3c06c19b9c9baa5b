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
/// roots and challenges, differ; the byte formats and the verifiers do not, and proofs of either version verify with the other). CI reruns this class with AVX-512
/// and with all hardware intrinsics switched off, so the scalar, AVX2 and AVX-512 paths must all give these bytes.
/// The sizes are chosen so that every kernel runs full vectors and tails (row lengths 2^0 … 2^12, odd table sizes).
/// </remarks>
public sealed class ProofBytesKnownAnswerTests
{
    private static readonly TrainingConfig TrainingConfig =
        new([20, 12, 5], batchSize: 4, learningRateShift: 3, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 515);

    private static readonly Lazy<(TrainingDataset Data, TrainingRun Run)> Training = new(() =>
    {
        TrainingDataset data = SyntheticData.Blobs(TrainingConfig, 48, 1, 0.4, 516).Train;
        return (data, TrainingRun.Record(TrainingConfig, data, 3, salts: new SeededSaltSource(517)));
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
        LigeroProverState state = LigeroProver.Commit(table, LigeroParameters.Default, new SeededSaltSource(531));
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript("known-answer"), state, point, out GoldilocksExt2 value);
        byte[] valueBytes = new byte[16];
        value.WriteTo(valueBytes);
        AssertDigest(expected, state.Commitment.Root.ToArray(), valueBytes, LigeroProofSerializer.Serialize(proof));
    }

    [Fact]
    public void ModelCommitmentAndInferenceProofOfAnMlp()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(540, 3, 50, 24, 10);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 541);
        AssertDigest("f08bcddc33f1bb0a6933efc70e1e9cd9e71a3decdd8e6427dd4c108b7ca99e4e", ModelCommitmentSerializer.Serialize(model.Commitment), InferenceProofSerializer.Serialize(proof));
    }

    [Fact]
    public void ModelCommitmentAndInferenceProofOfACnn()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(542, 2, 2, 10, 3, 3, 1, 1, 4);
        (_, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 543);
        AssertDigest("74855592d3d54db53598d6625abae1e62ecd03d5085c875cb31f9ec5cf3b536e", ModelCommitmentSerializer.Serialize(model.Commitment), InferenceProofSerializer.Serialize(proof));
    }

    [Fact]
    public void TrainingTranscriptStepRangeAndInitialProofs()
    {
        (TrainingDataset data, TrainingRun run) = Training.Value;
        AssertDigest(
            "8e6fd9114cb066089a7c94904d6810ade7c62871765aea3f56cd29e59c235fec",
            TrainingTranscriptSerializer.Serialize(run.Transcript),
            TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(550))),
            SnapshotRangeProofSerializer.Serialize(SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(551))),
            InitialSnapshotProofSerializer.Serialize(InitialSnapshotArgument.Prove(run)));
    }

    [Fact]
    public void ModelLinkProof()
    {
        (_, TrainingRun run) = Training.Value;
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), salts: new SeededSaltSource(560));
        AssertDigest("d07b767c4af319e2076409d6be6e248f2bbb552277c3dbc028b1b13f1ead0c64", ModelLinkProofSerializer.Serialize(ModelLinkArgument.Prove(run, model, new SeededSaltSource(561))));
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
