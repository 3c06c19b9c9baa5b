using System.Buffers.Binary;
using System.Security.Cryptography;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Deterministic commitments: the salts of a model commitment derived from a secret seed (SP 800-108 counter mode, HMAC-SHA256),
/// so that a prover that kept only the seed commits again to exactly the published commitment.
/// </summary>
public sealed class ModelCommitmentSeedTests
{
    private static QuantizedModel Model(int seed) =>
        TestModels.Quantized(TestModels.Mlp(new Random(seed), 9, 5, 3), new Random(seed + 1), 1).Model;

    [Fact]
    public void The_same_model_and_seed_give_the_same_commitment_and_another_seed_another()
    {
        QuantizedModel model = Model(4001);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create(), other = ModelCommitmentSeed.Create();

        byte[] first = ModelCommitmentSerializer.Serialize(CommittedModel.Commit(model, seed).Commitment);
        byte[] again = ModelCommitmentSerializer.Serialize(CommittedModel.Commit(model, ModelCommitmentSeed.FromBytes(seed.ToBytes())).Commitment);
        ModelCommitment third = CommittedModel.Commit(model, other).Commitment;

        Assert.Equal(first, again);
        Assert.NotEqual(ModelCommitmentSerializer.Deserialize(first).WeightCommitments[0].Root, third.WeightCommitments[0].Root);
        Assert.NotEqual(ModelCommitmentSerializer.Deserialize(first).Fingerprint, third.Fingerprint);
    }

    [Fact]
    public void The_salts_are_the_SP800_108_counter_mode_KDF_of_the_seed_computed_independently()
    {
        QuantizedModel model = Model(4002);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        byte[] key = seed.ToBytes()[6..];
        CommittedModel committed = CommittedModel.Commit(model, seed, LigeroParameters.NonHidingForBenchmarks);   // the plain salts (hiding ones have their own label)

        for (int i = 0; i < committed.States.Length; i++)
        {
            byte[] salts = committed.States[i].Salts;
            var context = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(context, i);
            Assert.Equal(Kdf(key, "thestage/model-commitment/salts/v1"u8.ToArray(), context, salts.Length), salts);
        }

        Assert.True(committed.Commitment.VerifyWeightRanges());
    }

    [Fact]
    public void The_fingerprint_is_the_SHA256_of_the_commitments_bytes_and_survives_a_round_trip()
    {
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        ModelCommitment commitment = CommittedModel.Commit(Model(4003), seed).Commitment;
        byte[] bytes = ModelCommitmentSerializer.Serialize(commitment);
        ModelCommitment read = ModelCommitmentSerializer.Deserialize(bytes);

        Assert.Equal(SHA256.HashData(bytes), commitment.Fingerprint.ToArray());
        Assert.Equal(commitment.Fingerprint, read.Fingerprint);
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(read));
    }

    [Fact]
    public void The_seed_round_trips_and_malformed_seeds_raise_only_ProofFormatException()
    {
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        byte[] bytes = seed.ToBytes();
        Assert.Equal(38, bytes.Length);
        Assert.Equal("TSCS"u8.ToArray(), bytes[..4]);
        Assert.Equal(ModelCommitmentSeed.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        using (ModelCommitmentSeed read = ModelCommitmentSeed.FromBytes(bytes))
        {
            Assert.Equal(bytes, read.ToBytes());
        }

        byte[] otherVersion = (byte[])bytes.Clone();
        otherVersion[4] = 2;
        foreach (byte[] bad in new[] { bytes[..^1], [.. bytes, 0], [], otherVersion, ModelCommitmentSerializer.Serialize(CommittedModel.Commit(Model(4004), seed).Commitment) })
        {
            Assert.Throws<ProofFormatException>(() => ModelCommitmentSeed.FromBytes(bad));
        }
    }

    [Fact]
    public void Fresh_seeds_differ_and_a_disposed_seed_is_wiped_and_refused()
    {
        ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        using ModelCommitmentSeed other = ModelCommitmentSeed.Create();
        Assert.NotEqual(seed.ToBytes(), other.ToBytes());
        seed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => seed.ToBytes());
        Assert.Throws<ObjectDisposedException>(() => CommittedModel.Commit(Model(4005), seed));
    }

    [Fact]
    public void Commitments_under_other_parameters_differ_but_are_as_reproducible()
    {
        QuantizedModel model = Model(4006);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        var parameters = new LigeroParameters(2, 160);
        Assert.Equal(CommittedModel.Commit(model, seed, parameters).Commitment.Fingerprint, CommittedModel.Commit(model, seed, parameters).Commitment.Fingerprint);
        Assert.NotEqual(CommittedModel.Commit(model, seed).Commitment.Fingerprint, CommittedModel.Commit(model, seed, parameters).Commitment.Fingerprint);
    }

    [Fact]
    public void Seeded_hiding_commitments_are_reproducible_verify_and_another_seed_gives_another()
    {
        var random = new Random(4007);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [40, 12, 6]), random, 2);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create(), other = ModelCommitmentSeed.Create();

        CommittedModel committed = CommittedModel.Commit(model, seed, LigeroParameters.DefaultHiding);
        byte[] first = ModelCommitmentSerializer.Serialize(committed.Commitment);
        byte[] again = ModelCommitmentSerializer.Serialize(CommittedModel.Commit(model, ModelCommitmentSeed.FromBytes(seed.ToBytes()), LigeroParameters.DefaultHiding).Commitment);
        byte[] third = ModelCommitmentSerializer.Serialize(CommittedModel.Commit(model, other, LigeroParameters.DefaultHiding).Commitment);

        Assert.Equal(first, again);
        Assert.NotEqual(first, third);
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(first);
        Assert.True(published.Parameters.Hiding);
        Assert.True(published.VerifyWeightRanges());
        Assert.True(ModelCommitmentSerializer.Deserialize(third).VerifyWeightRanges());
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(committed, inputs, 4008);
        Assert.True(InferenceVerifier.VerifyBatch(published, inputs, outputs, InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof))));
    }

    [Fact]
    public void The_salts_of_a_hiding_commitment_are_the_KDF_of_the_seed_under_their_own_label_and_the_parameters()
    {
        QuantizedModel model = Model(4009);
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        byte[] key = seed.ToBytes()[6..];
        LigeroParameters parameters = LigeroParameters.DefaultHiding;
        CommittedModel committed = CommittedModel.Commit(model, seed, parameters);

        for (int i = 0; i < committed.States.Length; i++)
        {
            byte[] salts = committed.States[i].Salts;
            var context = new byte[12];
            BinaryPrimitives.WriteInt32LittleEndian(context, i);
            BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(4), parameters.LogBlowup | 0x80);
            BinaryPrimitives.WriteInt32LittleEndian(context.AsSpan(8), parameters.ColumnQueries);
            Assert.Equal(Kdf(key, "thestage/model-commitment/hiding-salts/v1"u8.ToArray(), context, salts.Length), salts);
        }
    }

    /// <summary>NIST SP 800-108r1 §4.1 with HMAC-SHA256: K(i) = HMAC(key, [i]₃₂ ‖ label ‖ 0x00 ‖ context ‖ [L]₃₂), big-endian counters, L in bits.</summary>
    internal static byte[] Kdf(byte[] key, byte[] label, byte[] context, int length)
    {
        var output = new List<byte>();
        for (uint i = 1; output.Count < length; i++)
        {
            var block = new List<byte>();
            block.AddRange(BigEndian(i));
            block.AddRange(label);
            block.Add(0);
            block.AddRange(context);
            block.AddRange(BigEndian((uint)length * 8));
            output.AddRange(HMACSHA256.HashData(key, block.ToArray()));
        }

        return [.. output.Take(length)];

        static byte[] BigEndian(uint value)
        {
            var bytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            return bytes;
        }
    }
}
