using System.Numerics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>The steps prover and verifier of <see cref="FirstLayerProductProof"/> share: transcript start and matrix layouts.</summary>
internal static class FirstLayerProductProtocol
{
    /// <summary>The largest accumulator magnitude accepted, below <c>p/2</c> so the signed embedding is injective.</summary>
    public const long AccumulatorBound = 1L << 62;

    /// <summary>The largest batch the matrix-multiplication sumcheck accepts (its dimension limit, <c>2^15</c>).</summary>
    public const int MaxBatchSize = 1 << 15;

    public static (int M, int N, int P) Dimensions(TrainingConfig config) =>
        (Pad(config.LayerSizes[1]), Pad(config.LayerSizes[0]), config.BatchSize);

    /// <summary>Starts the Fiat–Shamir transcript: training transcript digest, step, snapshot roots and batch inputs.</summary>
    public static Transcript Begin(TrainingTranscript training, int step, Goldilocks[] inputs)
    {
        var transcript = new Transcript("thestage.training.first-layer-product.v2");
        transcript.AbsorbDigest("training", training.Digest);
        transcript.AbsorbUInt64("step", (ulong)step);
        foreach (Digest256 root in training.WeightRootsOf(step))
        {
            transcript.AbsorbDigest("weights", root);
        }

        transcript.Absorb("inputs", (ReadOnlySpan<Goldilocks>)inputs);
        return transcript;
    }

    /// <summary>Builds <c>Xᵀ</c>, <c>n × B</c> row-major, zero-padded: entry <c>(i, b)</c> is feature <c>i</c> of batch sample <c>b</c>.</summary>
    public static Goldilocks[] InputMatrix(TrainingConfig config, int[][] features)
    {
        (_, int n, int p) = Dimensions(config);
        var matrix = new Goldilocks[n * p];
        for (int b = 0; b < p; b++)
        {
            for (int i = 0; i < config.InputSize; i++)
            {
                matrix[(i * p) + b] = WeightCommitment.Embed(features[b][i]);
            }
        }

        return matrix;
    }

    /// <summary>Builds the padded <c>m × B</c> accumulator matrix (zero rows beyond <c>out</c>).</summary>
    public static Goldilocks[] AccumulatorMatrix(TrainingConfig config, long[] accumulators)
    {
        (int m, _, int p) = Dimensions(config);
        var matrix = new Goldilocks[m * p];
        for (int i = 0; i < accumulators.Length; i++)
        {
            matrix[i] = WeightCommitment.Embed(accumulators[i]);
        }

        return matrix;
    }

    public static int Pad(int n) => (int)BitOperations.RoundUpToPowerOf2((uint)n);
}
