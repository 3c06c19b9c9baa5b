using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Which samples each training step uses, derived from the public seed alone so that a verifier recomputes it.
/// </summary>
/// <remarks>
/// Step <c>t</c> starts a fresh Fiat–Shamir <see cref="Transcript"/> labelled <c>thestage.training.batch.v1</c>, absorbs
/// the seed, the sample count <c>N</c>, the batch size <c>B</c> and <c>t</c>, and runs a sparse partial Fisher–Yates
/// shuffle: draw <c>i</c> (<c>0 ≤ i &lt; B</c>) is <c>i + j</c> with <c>j</c> uniform in <c>[0, N − i)</c>
/// (<see cref="Transcript.ChallengeIndex"/>, unbiased by rejection), swapped into place. Each batch is therefore a
/// uniformly random ordered <c>B</c>-subset of <c>[0, N)</c> (no sample twice within a step), independent across steps
/// (modelling BLAKE2s as a random oracle), and costs <c>O(B)</c> hashes to recompute. The seed is public and bound
/// by the configuration digest of <see cref="TrainingTranscript"/>; whoever picks it could grind for favourable
/// batches, so a proof protocol should fix it (or derive it from the dataset commitment) before training starts.
/// </remarks>
public static class BatchSchedule
{
    /// <summary>Gets the sample indices of one step.</summary>
    /// <param name="seed">The public seed (<see cref="TrainingConfig.Seed"/>).</param>
    /// <param name="sampleCount">The dataset size <c>N ≥ B</c>.</param>
    /// <param name="batchSize">The batch size <c>B ≥ 1</c>.</param>
    /// <param name="step">The step index, from 0.</param>
    /// <returns>The <c>B</c> distinct indices, in draw order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static int[] Indices(ulong seed, int sampleCount, int batchSize, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var transcript = new Transcript("thestage.training.batch.v1");
        transcript.AbsorbUInt64("seed", seed);
        transcript.AbsorbUInt64("samples", (ulong)sampleCount);
        transcript.AbsorbUInt64("batch", (ulong)batchSize);
        transcript.AbsorbUInt64("step", (ulong)step);
        var swapped = new Dictionary<int, int>();
        var result = new int[batchSize];
        for (int i = 0; i < batchSize; i++)
        {
            int j = i + transcript.ChallengeIndex("draw", sampleCount - i);
            int atJ = swapped.TryGetValue(j, out int vj) ? vj : j;
            int atI = swapped.TryGetValue(i, out int vi) ? vi : i;
            swapped[j] = atI;
            result[i] = atJ;
        }

        return result;
    }
}
