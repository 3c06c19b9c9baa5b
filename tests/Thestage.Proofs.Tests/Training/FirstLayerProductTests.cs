using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

public sealed class FirstLayerProductTests
{
    // Non-power-of-two widths exercise the padding: 5 inputs (n = 8), 6 hidden (m = 8), batch 4.
    private static readonly TrainingConfig Config =
        new([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 91);

    private static readonly TrainingDataset Data = SyntheticData.Blobs(Config, 40, 1, 0.4, 92).Train;

    private static readonly Lazy<TrainingRun> SharedRun = new(() => TrainingRun.Record(Config, Data, 3, salts: new SeededSaltSource(93)));

    [Fact]
    public void HonestProofsOfEveryStepVerify()
    {
        TrainingRun run = SharedRun.Value;
        var trainer = new FixedPointTrainer(Config, Data, run.Transcript.ScheduleKey);
        for (int step = 0; step < 3; step++)
        {
            FirstLayerProductProof proof = FirstLayerProductProver.Prove(run, Data, step);
            Assert.True(FirstLayerProductVerifier.Verify(run.Transcript, proof));

            // The accumulators are the trainer's: round_f(acc + b·2^f), saturated, is its first pre-activation.
            int[] bias = run.Snapshots[step].GetBiases(0);
            int[] batch = run.Transcript.Batch(step);
            for (int b = 0; b < 4; b++)
            {
                int[] z = trainer.ForwardPass(run.Snapshots[step], Data.GetFeatures(batch[b]))[0];
                for (int j = 0; j < 6; j++)
                {
                    long acc = proof.Accumulators[(j * 4) + b] + ((long)bias[j] << 12);
                    Assert.Equal(z[j], Math.Clamp(FixedPoint.Requantize(acc, 12), Config.ValueMin, Config.ValueMax));
                }
            }
        }
    }

    [Fact]
    public void WrongAccumulatorsAreRejected()
    {
        TrainingRun run = SharedRun.Value;
        foreach (int index in new[] { 0, 7, 23 })
        {
            FirstLayerProductProof proof = FirstLayerProductProver.Prove(run, Data, 1, run.Snapshots[1].GetWeights(0), acc =>
            {
                acc[index]++;
                return acc;
            });
            Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, proof));
        }

        FirstLayerProductProof huge = FirstLayerProductProver.Prove(run, Data, 1, run.Snapshots[1].GetWeights(0), acc =>
        {
            acc[0] = long.MaxValue;
            return acc;
        });
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, huge));
    }

    [Fact]
    public void WeightsOtherThanTheCommittedSnapshotAreRejected()
    {
        TrainingRun run = SharedRun.Value;

        // One changed weight, consistent accumulators: the Ligero opening of the real snapshot disagrees.
        int[] forged = run.Snapshots[2].GetWeights(0);
        forged[13] += 1000;
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, FirstLayerProductProver.Prove(run, Data, 2, forged, null)));

        // The previous snapshot's weights (a step skipped) are not the committed ones either.
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, FirstLayerProductProver.Prove(run, Data, 2, run.Snapshots[1].GetWeights(0), null)));

        // A proof is bound to its transcript: a rerun with other salts has other roots and another digest.
        TrainingRun other = TrainingRun.Record(Config, Data, 3, salts: new SeededSaltSource(94));
        FirstLayerProductProof honest = FirstLayerProductProver.Prove(run, Data, 2);
        Assert.True(FirstLayerProductVerifier.Verify(run.Transcript, honest));
        Assert.False(FirstLayerProductVerifier.Verify(other.Transcript, honest));
    }

    [Fact]
    public void SubstitutedSamplesAreRejected()
    {
        TrainingRun run = SharedRun.Value;
        FirstLayerProductProof proof = FirstLayerProductProver.Prove(run, Data, 0);
        proof.Features[2][4]++;
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, proof));
        proof.Features[2][4]--;
        Assert.True(FirstLayerProductVerifier.Verify(run.Transcript, proof));
        proof.Salts[3][0] ^= 1;
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, proof));
        Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, null));
    }

    [Fact]
    public void SerializedProofsRoundTripAndMutationsNeverVerify()
    {
        TrainingRun run = SharedRun.Value;
        FirstLayerProductProof proof = FirstLayerProductProver.Prove(run, Data, 1);
        byte[] bytes = FirstLayerProductProofSerializer.Serialize(proof);
        Assert.Equal("TSFL"u8.ToArray(), bytes[..4]);
        FirstLayerProductProof copy = FirstLayerProductProofSerializer.Deserialize(bytes);
        Assert.Equal(bytes, FirstLayerProductProofSerializer.Serialize(copy));
        Assert.True(FirstLayerProductVerifier.Verify(run.Transcript, copy));

        // Every byte of the header, samples, paths and accumulators, then sampled positions in the sumcheck and opening:
        // each flip is a ProofFormatException or a rejected proof, never another exception or an accepted proof.
        var random = new Random(95);
        int samplesEnd = 18 + (4 * (4 + 20 + 16 + 4 + 1 + (6 * 32))) + 4 + (24 * 8);
        IEnumerable<int> positions = Enumerable.Range(0, samplesEnd).Concat(Enumerable.Range(0, 300).Select(_ => random.Next(samplesEnd, bytes.Length)));
        int formatErrors = 0, rejections = 0;
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)random.Next(1, 256);
            FirstLayerProductProof parsed;
            try
            {
                parsed = FirstLayerProductProofSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                formatErrors++;
                continue;
            }

            Assert.False(FirstLayerProductVerifier.Verify(run.Transcript, parsed), $"flip at {position}");
            rejections++;
        }

        Assert.True(formatErrors > 0 && rejections > 0);
        for (int length = 0; length < bytes.Length; length += 1 + random.Next(40))
        {
            Assert.Throws<ProofFormatException>(() => FirstLayerProductProofSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => FirstLayerProductProofSerializer.Deserialize([.. bytes, 0]));
    }
}
