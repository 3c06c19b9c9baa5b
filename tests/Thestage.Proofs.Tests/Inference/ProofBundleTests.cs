using System.Buffers.Binary;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>The proof bundle ("TSPB"): the statement and the proof in one file, as <c>thestage prove</c> writes it.</summary>
public sealed class ProofBundleTests
{
    /// <summary>A well-formed header announcing 4096 samples of 2^22 inputs and outputs, with nothing after it.</summary>
    public static byte[] HugeBundleHeader()
    {
        var bytes = new byte[4 + 2 + 32 + 12];
        "TSPB"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), InferenceProofBundleSerializer.Version);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(38), InferenceProofBundle.MaxSamples);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(42), ModelCommitment.MaxPaddedEntries);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(46), ModelCommitment.MaxPaddedEntries);
        return bytes;
    }

    [Fact]
    public void A_bundle_round_trips_verifies_and_names_its_commitment()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(4101, 3, 9, 5, 3);
        InferenceProofBundle bundle = InferenceProofBundle.Prove(model, inputs, new SeededSaltSource(4102));
        byte[] bytes = InferenceProofBundleSerializer.Serialize(bundle);
        InferenceProofBundle read = InferenceProofBundleSerializer.Deserialize(bytes);

        Assert.Equal("TSPB"u8.ToArray(), bytes[..4]);
        Assert.Equal(bytes, InferenceProofBundleSerializer.Serialize(read));
        Assert.Equal(model.Commitment.Fingerprint, read.CommitmentFingerprint);
        Assert.Equal(3, read.Count);
        for (int s = 0; s < 3; s++)
        {
            Assert.Equal(inputs[s], read.GetInput(s).ToArray());
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[s]), read.GetOutput(s).ToArray());
        }

        Assert.True(read.Verify(model.Commitment));
        Assert.True(read.Verify(ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment)), VerifierPolicy.Default));
    }

    [Fact]
    public void Truncated_extended_and_foreign_bytes_raise_only_ProofFormatException()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(4103, 1, 9, 5, 3);
        byte[] bytes = InferenceProofBundleSerializer.Serialize(InferenceProofBundle.Prove(model, inputs, new SeededSaltSource(4104)));
        byte[] shortProof = (byte[])bytes.Clone();
        int proofLengthAt = 50 + (2 * (9 + 3));
        BinaryPrimitives.WriteUInt32LittleEndian(shortProof.AsSpan(proofLengthAt), (uint)(bytes.Length - proofLengthAt - 5));
        byte[] noSamples = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(noSamples.AsSpan(38), 0);
        foreach (byte[] bad in new[] { bytes[..^1], [.. bytes, 0], bytes[..40], [], shortProof, noSamples, HugeBundleHeader(), ModelCommitmentSerializer.Serialize(model.Commitment) })
        {
            Assert.Throws<ProofFormatException>(() => InferenceProofBundleSerializer.Deserialize(bad));
        }
    }

    [Fact]
    public void The_constructor_refuses_samples_the_format_cannot_hold()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(4105, 2, 9, 5, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.Throws<ArgumentException>(() => new InferenceProofBundle(model.Commitment.Fingerprint, inputs, outputs[..1], proof));
        Assert.Throws<ArgumentException>(() => new InferenceProofBundle(model.Commitment.Fingerprint, [inputs[0], inputs[1][..4]], outputs, proof));
        Assert.Throws<ArgumentException>(() => new InferenceProofBundle(model.Commitment.Fingerprint, [inputs[0], [.. inputs[1][..^1], 40000]], outputs, proof));
        Assert.Throws<ArgumentException>(() => new InferenceProofBundle(model.Commitment.Fingerprint, [], [], proof));
    }
}
