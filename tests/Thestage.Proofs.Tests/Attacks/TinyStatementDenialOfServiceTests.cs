using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 10, item 12: statements of a few hundred bytes that declare circuits of billions of entries. Each must be refused
/// by its reader with <see cref="ProofFormatException"/>, from the header, before anything of the declared size is built
/// (allocation measured on the current thread; no timing).
/// </summary>
public sealed class TinyStatementDenialOfServiceTests
{
    private const long AllocationLimit = 4 << 20;

    [Fact]
    public void TinyModelCommitmentDeclaringAHugeConvolution_IsRefusedBeforeBuildingIt()
    {
        byte[] bytes = HugeConvolutionCommitment();
        Assert.Equal(174, bytes.Length);
        AssertRefusedCheaply(() => ModelCommitmentSerializer.Deserialize(bytes));
    }

    /// <summary>
    /// One 3×3 convolution over a 1×2048×2048 input with padding 1: 9·2^22 taps, which CircuitPlan used to build in full
    /// (1.6 GB) before checking anything else; the commitment is 174 bytes.
    /// </summary>
    internal static byte[] HugeConvolutionCommitment()
    {
        var bytes = new List<byte>();
        bytes.AddRange("TSMC"u8.ToArray());
        U16(bytes, ModelCommitmentSerializer.Version);
        foreach (uint value in new uint[] { 1, 2048, 2048, 8, 4, 0, 1, (uint)LayerKind.Conv2d, 1, 1, 3, 3, 1, 1, 4, 2, 152 })
        {
            U32(bytes, value);
        }

        bytes.Add(2); // two weight commitments
        for (int i = 0; i < 2; i++)
        {
            bytes.AddRange(new byte[32]);
            bytes.Add(4);
        }

        bytes.AddRange(new byte[32]); // architecture digest
        bytes.Add(0);                 // no range proof
        return [.. bytes];
    }

    /// <summary>16 layers of 4096 × 4096 (2^28 parameters) in a 462-byte transcript whose digests are right.</summary>
    internal static byte[] HugeNetworkTranscript() =>
        Transcript(Enumerable.Repeat(4096, 17).ToArray(), batch: 1 << 16, fractionalBits: 8, weightBits: 16, valueBits: 24);

    [Fact]
    public void TinyTrainingTranscriptDeclaringAHugeNetwork_IsRefusedBeforeBuildingIt()
    {
        // The initial-snapshot check would build all 2^28 parameters.
        byte[] transcript = HugeNetworkTranscript();
        Assert.True(transcript.Length < 500);
        AssertRefusedCheaply(() => TrainingTranscriptSerializer.Deserialize(transcript));
    }

    [Fact]
    public void TinyTrainingTranscriptWhoseStepWitnessCannotBeCommitted_IsRefused()
    {
        // Few parameters, but 4096 outputs × a batch of 2^16: one step's limbs exceed 2^30, so a step verifier could only throw.
        byte[] transcript = Transcript([4096, 16, 4096], batch: 1 << 16, fractionalBits: 8, weightBits: 16, valueBits: 24);
        AssertRefusedCheaply(() => TrainingTranscriptSerializer.Deserialize(transcript));
    }

    [Fact]
    public void RepeatedBatchVerification_ReusesTheCircuitPlan()
    {
        (CommittedModel model, List<int[]> inputs) = Inference.InferenceTestKit.Cnn(1200, 2, 1, 6, 2, 3, 1, 1, 3);
        ModelCommitment commitment = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(model.Commitment));
        (int[][] outputs, InferenceProof proof) = Inference.InferenceTestKit.Prove(model, inputs);
        Assert.True(InferenceVerifier.VerifyBatch(commitment, inputs, outputs, proof));
        CircuitPlan plan = commitment.Plan(2);
        Assert.True(InferenceVerifier.VerifyBatch(commitment, inputs, outputs, proof));
        Assert.Same(plan, commitment.Plan(2));
        Assert.Same(commitment.Plan(1).Taps, plan.Taps); // the taps do not depend on the batch and are built once
    }

    private static void AssertRefusedCheaply(Func<object> read)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<ProofFormatException>(read);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    /// <summary>A <c>TSTT</c> v3 transcript of zero steps with correct digests, written from the documented layout.</summary>
    private static byte[] Transcript(int[] widths, int batch, int fractionalBits, int weightBits, int valueBits)
    {
        var config = new List<byte>();
        U16(config, (ushort)widths.Length);
        foreach (int width in widths)
        {
            U32(config, (uint)width);
        }

        U32(config, (uint)batch);
        U16(config, 0); // learning-rate shift
        U16(config, (ushort)fractionalBits);
        U16(config, (ushort)weightBits);
        U16(config, (ushort)valueBits);
        config.AddRange(new byte[8]); // seed
        U16(config, 2);
        U32(config, 152);

        var body = new List<byte>(config);
        body.AddRange(Blake2s("thestage/training-config/v1"u8, config));
        U32(body, (uint)batch); // sample count
        body.AddRange(new byte[32]); // dataset root
        U32(body, 1);               // one snapshot
        body.AddRange(new byte[32]); // its root

        var bytes = new List<byte>("TSTT"u8.ToArray());
        U16(bytes, 3);
        bytes.AddRange(body);
        bytes.AddRange(Blake2s("thestage/training-transcript/v3"u8, body));
        return [.. bytes];
    }

    private static byte[] Blake2s(ReadOnlySpan<byte> domain, List<byte> data)
    {
        var digest = new Blake2sDigest(256);
        digest.BlockUpdate(domain);
        digest.BlockUpdate(data.ToArray(), 0, data.Count);
        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static void U16(List<byte> bytes, ushort value)
    {
        var buffer = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }

    private static void U32(List<byte> bytes, uint value)
    {
        var buffer = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        bytes.AddRange(buffer);
    }
}
