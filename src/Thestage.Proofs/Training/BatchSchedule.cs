using Thestage.Proofs.Hashing;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Which samples each training step uses, derived from a schedule key that binds the committed dataset and initial
/// parameters, so that a verifier recomputes every batch from the public <see cref="TrainingTranscript"/>.
/// </summary>
/// <remarks>
/// <para>
/// The key (<see cref="Key"/>) is a Fiat–Shamir challenge of a <see cref="Transcript"/> labelled
/// <c>thestage.training.schedule.v1</c> that absorbs, in order, the configuration digest (which covers the public
/// seed), the sample count <c>N</c>, the dataset root and the Ligero roots of the initial parameters (their count,
/// then each). The trainer must
/// therefore commit to its data and initial weights before any batch exists (<see cref="TrainingRun.Record(TrainingConfig, TrainingDataset, int, Commitments.LigeroParameters?, Hashing.ISaltSource?)"/> does
/// exactly that), and the seed is no longer the only entropy: changing the data, the initial weights or the seed
/// changes every batch.
/// </para>
/// <para>
/// Step <c>t</c> starts a fresh transcript labelled <c>thestage.training.batch.v2</c>, absorbs the key, <c>N</c>, the
/// batch size <c>B</c> and <c>t</c>, and runs a sparse partial Fisher–Yates shuffle: draw <c>i</c> (<c>0 ≤ i &lt; B</c>) is
/// <c>i + j</c> with <c>j</c> uniform in <c>[0, N − i)</c> (<see cref="Transcript.ChallengeIndex"/>, unbiased by
/// rejection), swapped into place. Each batch is therefore a uniformly random ordered <c>B</c>-subset of <c>[0, N)</c>
/// (no sample twice within a step), independent across steps (modelling BLAKE2s as a random oracle), and costs
/// <c>O(B)</c> hashes to recompute.
/// </para>
/// <para>
/// What this does not rule out: both commitments are salted, so a trainer can still re-commit with fresh salts
/// (or pick another seed) and look at the resulting batches, paying one dataset and one Ligero commitment per try
/// instead of one hash. Binding against grinding completely needs entropy the trainer cannot influence, absorbed
/// after the commitments (a verifier challenge or public beacon value supplied as the seed).
/// </para>
/// </remarks>
public static class BatchSchedule
{
    /// <summary>Derives the schedule key from the commitments made before training.</summary>
    /// <param name="configDigest">The configuration digest (<see cref="TrainingTranscript.ConfigDigest"/>, covers the seed).</param>
    /// <param name="sampleCount">The dataset size <c>N</c>.</param>
    /// <param name="datasetRoot">The dataset Merkle root.</param>
    /// <param name="initialWeightRoots">The Ligero roots of the initial parameters (one per weight polynomial).</param>
    /// <returns>The 32-byte key.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sampleCount"/> is not positive.</exception>
    public static Digest256 Key(Digest256 configDigest, int sampleCount, Digest256 datasetRoot, IReadOnlyList<Digest256> initialWeightRoots)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleCount);
        ArgumentNullException.ThrowIfNull(initialWeightRoots);
        var transcript = new Transcript("thestage.training.schedule.v1");
        transcript.AbsorbDigest("config", configDigest);
        transcript.AbsorbUInt64("samples", (ulong)sampleCount);
        transcript.AbsorbDigest("dataset", datasetRoot);
        transcript.AbsorbUInt64("initial-weight-roots", (ulong)initialWeightRoots.Count);
        foreach (Digest256 root in initialWeightRoots)
        {
            transcript.AbsorbDigest("initial-weights", root);
        }

        Span<byte> key = stackalloc byte[Digest256.Length];
        transcript.ChallengeBytes("key", key);
        return Digest256.FromBytes(key);
    }

    /// <summary>Gets the sample indices of one step.</summary>
    /// <param name="key">The schedule key (<see cref="Key"/>).</param>
    /// <param name="sampleCount">The dataset size <c>N ≥ B</c>.</param>
    /// <param name="batchSize">The batch size <c>B ≥ 1</c>.</param>
    /// <param name="step">The step index, from 0.</param>
    /// <returns>The <c>B</c> distinct indices, in draw order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static int[] Indices(Digest256 key, int sampleCount, int batchSize, int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(sampleCount, batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        var transcript = new Transcript("thestage.training.batch.v2");
        transcript.AbsorbDigest("key", key);
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
