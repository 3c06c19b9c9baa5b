using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A hostile author of a <c>TSIC</c> v2 input commitment (71 bytes) and of the outputs beside it: it declares the most samples the format
/// allows (4096) with the smallest outputs the model has, so that the verifier's statement check costs the batch times the model's
/// <em>input</em> size, which no byte it was handed pays for.
/// </summary>
public sealed class PrivateInputBatchAllocationAttackTests
{
    [Fact]
    public void LargestBatchInA71ByteInputCommitment_DoesNotMakeTheVerifierAllocateAnInputPerSample()
    {
        // A model with a wide input and a narrow output: 4096 outputs of 2 entries are 32 KiB, 4096 inputs of 1024 entries 16 MiB (for a
        // 256×256 image model, 1 GiB) — a verifier that allocates a zero input per claimed sample pays for the inputs it was never sent.
        var random = new Random(9700);
        (QuantizedModel quantized, List<int[]> samples) = TestModels.Quantized(TestModels.Mlp(random, [1024, 4, 2]), random, 1);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9701));
        CommittedInput honest = PrivateInputInferenceTests.Commit(model, samples[0], 2, 9702);
        (int[] output, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, honest, new SeededSaltSource(9703));

        const int batch = 1 << WeightMaskLayout.MaxLogBatch;
        byte[] bytes = InputCommitmentSerializer.Serialize(honest.Commitment);
        BitConverter.TryWriteBytes(bytes.AsSpan(34), (uint)batch);
        bytes[^1] = (byte)InputLayout.Create(honest.Commitment.InputShape, honest.Commitment.InputBits, honest.Commitment.OpeningBudget, batch).NumVariables;
        InputCommitment hostile = InputCommitmentSerializer.Deserialize(bytes);
        Assert.Equal(batch, hostile.Batch);
        int[][] outputs = [.. Enumerable.Range(0, batch).Select(_ => (int[])output.Clone())];

        long before = GC.GetAllocatedBytesForCurrentThread();
        bool accepted = InferenceVerifier.VerifyPrivateInputBatch(model.Commitment, hostile, outputs, proof, VerifierPolicy.Default);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.False(accepted);
        long inputsNeverSent = (long)batch * model.Commitment.InputShape.Size * sizeof(int);
        Assert.True(allocated < inputsNeverSent / 4, $"the verifier allocated {allocated} bytes for a statement whose inputs would be {inputsNeverSent}");
    }
}
