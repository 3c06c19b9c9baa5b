using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 10, item 12, for every Proofs format: a valid encoding with one 32-bit field overwritten by a hostile count or
/// dimension (at every offset of the header region and at sampled offsets further in). Each read must end in the format
/// exception or a parsed object, and allocate within a budget proportional to the input (no timing). A single edited field
/// breaks a statement's consistency (shapes, digests), so this guards the readers' own bounds; statements that stay
/// consistent while declaring huge circuits are <see cref="TinyStatementDenialOfServiceTests"/>.
/// </summary>
public sealed class HostileLengthFieldAttackTests
{
    private static readonly uint[] HostileValues = [uint.MaxValue, int.MaxValue, 1u << 24, 1u << 16];

    private static readonly Lazy<Dictionary<string, (byte[] Bytes, Func<byte[], object> Read)>> Formats = new(Build);

    public static TheoryData<string> Names => new() { "TSMC MLP", "TSMC CNN", "TSIP", "TSLG", "TSTT", "TSSP", "TSSR", "TSIS", "TSTP", "TSML" };

    [Theory]
    [MemberData(nameof(Names))]
    public void HostileCountsAndDimensions_AreRefusedWithinTheBudget(string format)
    {
        (byte[] bytes, Func<byte[], object> read) = Formats.Value[format];
        Assert.Equal(format[..4], System.Text.Encoding.ASCII.GetString(bytes, 0, 4));
        read(bytes); // the unmodified encoding reads
        long budget = (16L * 1024 * 1024) + (16L * bytes.Length);
        var random = new Random(format.Sum(c => c)); // fixed per format
        IEnumerable<int> offsets = Enumerable.Range(0, Math.Min(256, bytes.Length - 3)).Concat(Enumerable.Range(0, 128).Select(_ => random.Next(bytes.Length - 3)));
        long largest = 0;
        int refused = 0;
        foreach (int offset in offsets)
        {
            foreach (uint value in HostileValues)
            {
                byte[] hostile = (byte[])bytes.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(hostile.AsSpan(offset), value);
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    read(hostile);
                }
                catch (ProofFormatException)
                {
                    refused++;
                }

                largest = Math.Max(largest, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.True(refused > 0);
        Assert.True(largest <= budget, $"{format}: a read of {bytes.Length} bytes allocated {largest:N0} bytes");
    }

    private static Dictionary<string, (byte[], Func<byte[], object>)> Build()
    {
        var random = new Random(1400);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, 7, 5, 3), random, 1);
        CommittedModel model = CommittedModel.Commit(quantized, salts: new SeededSaltSource(1401));
        InferenceProof inference = InferenceProver.Prove(model, inputs[0], new SeededSaltSource(1402)).Proof;
        (QuantizedModel cnn, _) = TestModels.Quantized(TestModels.Cnn(random, 1, 6, 2, 3, 1, 1, 3), random, 1);

        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 1403);
        TrainingDataset data = SyntheticData.Blobs(config, 16, 1, 0.4, 1404).Train;
        TrainingRun run = TrainingRun.Record(config, data, 1, salts: new SeededSaltSource(1405));
        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, data);
        CommittedModel linked = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 16, 6), salts: new SeededSaltSource(1406));
        ModelLinkProof link = ModelLinkArgument.Prove(run, linked, new SeededSaltSource(1407));

        return new()
        {
            ["TSMC MLP"] = (ModelCommitmentSerializer.Serialize(model.Commitment), b => ModelCommitmentSerializer.Deserialize(b)),
            ["TSMC CNN"] = (ModelCommitmentSerializer.Serialize(CommittedModel.Commit(cnn, salts: new SeededSaltSource(1408)).Commitment), b => ModelCommitmentSerializer.Deserialize(b)),
            ["TSIP"] = (InferenceProofSerializer.Serialize(inference), b => InferenceProofSerializer.Deserialize(b)),
            ["TSLG"] = (LigeroProofSerializer.Serialize(inference.AdviceOpening), b => LigeroProofSerializer.Deserialize<GoldilocksExt2>(b)),
            ["TSTT"] = (TrainingTranscriptSerializer.Serialize(run.Transcript), b => TrainingTranscriptSerializer.Deserialize(b)),
            ["TSSP"] = (TrainingStepProofSerializer.Serialize(proofs.Steps[0]), b => TrainingStepProofSerializer.Deserialize(b)),
            ["TSSR"] = (SnapshotRangeProofSerializer.Serialize(proofs.Ranges[0]), b => SnapshotRangeProofSerializer.Deserialize(b)),
            ["TSIS"] = (InitialSnapshotProofSerializer.Serialize(proofs.Initial), b => InitialSnapshotProofSerializer.Deserialize(b)),
            ["TSTP"] = (TrainingProofsSerializer.Serialize(proofs), b => TrainingProofsSerializer.Deserialize(b)),
            ["TSML"] = (ModelLinkProofSerializer.Serialize(link), b => ModelLinkProofSerializer.Deserialize(b)),
        };
    }
}
