using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves and verifies <see cref="SnapshotRangeProof"/>: every entry of a committed snapshot polynomial <c>P</c>
/// (weights, biases and zero padding, see <c>WeightCommitment</c>) lies in <c>[−2^(W−1), 2^(W−1))</c>, so the field
/// identities of step proofs are integer identities.
/// </summary>
/// <remarks>
/// <para>
/// The prover commits (Ligero) to the <c>K = ⌈W/8⌉</c> byte limbs of <c>u = P + 2^(W−1)</c>, packed as <c>K</c> segments
/// of the snapshot's size. One logUp argument (Haböck, eprint 2022/1530; fractional sum by layered GKR sumchecks,
/// Papini–Haböck, eprint 2023/1284) checks every limb against <c>[0, 2^8)</c>; when the top limb has <c>b &lt; 8</c> bits
/// it is looked up a second time scaled by <c>2^(8−b)</c>, which bounds it by <c>2^b</c>. At a random <c>z</c> the prover
/// sends <c>P̃(z)</c> and <c>L̃_k(z)</c>, and the verifier checks <c>P̃(z) + 2^(W−1) = Σ_k 2^(8k)·L̃_k(z)</c>; then all limb
/// claims are batched into one Ligero opening (<c>ClaimBatcher</c>) and <c>P̃(z)</c> is opened against the snapshot root.
/// </para>
/// <para>
/// Soundness: logUp <c>(N + 2^8 + 1.5·L² + 2L)/|E|</c> (<c>N</c> looked-up entries, <c>2^L</c> leaves), recomposition
/// <c>v/|E|</c> (Schwartz–Zippel on a multilinear difference), batching <c>(k + 2v)/|E|</c>, and two Ligero openings at
/// <c>≈ 2^−103.07</c> each (<c>docs/proofs.md</c>): about 102 bits in total. Since limbs are bytes and
/// <c>Σ 2^(8k) l_k &lt; 2^W &lt; p</c>, an accepted recomposition means <c>u ∈ [0, 2^W)</c> as an integer.
/// </para>
/// </remarks>
public static class SnapshotRangeArgument
{
    private const int TableBits = 8;

    /// <summary>Proves that snapshot <paramref name="snapshot"/> of a recorded run is in range.</summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="snapshot">The snapshot index, in <c>[0, T]</c>.</param>
    /// <param name="salts">The salt source of the limb commitment (random if null; seeded only in tests).</param>
    /// <returns>The proof.</returns>
    public static SnapshotRangeProof Prove(TrainingRun run, int snapshot, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapshot, run.Transcript.StepCount);
        return Prove(run.Transcript, snapshot, run.WeightState(snapshot), WeightCommitment.Evaluations(run.Snapshots[snapshot]), salts);
    }

    /// <summary>Verifies a range proof against the transcript's snapshot root.</summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, SnapshotRangeProof? proof)
    {
        ArgumentNullException.ThrowIfNull(training);
        if (proof is null || proof.Snapshot < 0 || proof.Snapshot > training.StepCount || proof.MultiplicityArray is null
            || proof.MultiplicityArray.Length != 1 << TableBits || proof.SumcheckArray is null || proof.ValueArray is null
            || proof.LimbOpeningArray is null || proof.WeightOpening is null)
        {
            return false;
        }

        TrainingConfig config = training.Config;
        int v = training.WeightVariables;
        (SegmentLayout layout, int limbs, int topBits) = LimbLayout(config, v);
        var limbCommitment = new LigeroCommitment(proof.LimbRoot, layout.NumVariables[0]);
        Transcript transcript = Begin(training, proof.Snapshot, limbCommitment, proof.MultiplicityArray);
        var cursor = new ProofCursor<E>(proof.SumcheckArray, proof.ValueArray);
        int[] columnLimbs = ColumnLimbs(limbs, topBits);
        LookupColumnSpec[] specs = columnLimbs.Select((k, j) => new LookupColumnSpec(v, Scale(j, limbs, topBits), 0)).ToArray();
        LogUpClaims<E>? lookup = LogUpArgument.Verify(transcript, cursor, specs, TableBits);
        if (lookup is null
            || MatrixMultiplicationSumcheck.EvaluateMatrix(proof.MultiplicityArray, (ReadOnlySpan<E>)lookup.MultiplicityPoint) != lookup.MultiplicityValue)
        {
            return false;
        }

        E[] z = transcript.Challenges<E>("range/z", v);
        if (!cursor.TryReceive(transcript, "range/evaluations", limbs + 1, out E[] values))
        {
            return false;
        }

        E recomposed = E.Zero;
        for (int k = limbs - 1; k >= 0; k--)
        {
            recomposed = (recomposed * E.FromUInt64(256)) + values[k + 1];
        }

        if (values[0] + E.FromUInt64(1UL << (config.WeightBits - 1)) != recomposed)
        {
            return false;
        }

        List<SegmentClaim<E>> claims = Claims(columnLimbs, lookup, z, values);
        return ClaimBatcher.Verify(transcript, cursor, layout, [limbCommitment], training.Parameters, claims, proof.LimbOpeningArray)
            && cursor.IsExhausted
            && LigeroVerifier.Verify(transcript, training.WeightCommitmentAt(proof.Snapshot), training.Parameters, z, values[0], proof.WeightOpening);
    }

    /// <summary>Proves for an explicit snapshot table (the honest one, or a forged one in tests).</summary>
    internal static SnapshotRangeProof Prove(TrainingTranscript training, int snapshot, LigeroProverState state, Goldilocks[] table, ISaltSource? salts)
    {
        TrainingConfig config = training.Config;
        int v = training.WeightVariables;
        (SegmentLayout layout, int limbs, int topBits) = LimbLayout(config, v);
        ulong offset = 1UL << (config.WeightBits - 1);
        var limbSegments = new Goldilocks[limbs][];
        for (int k = 0; k < limbs; k++)
        {
            limbSegments[k] = new Goldilocks[table.Length];
        }

        for (int x = 0; x < table.Length; x++)
        {
            ulong u = (table[x] + Goldilocks.FromUInt64(offset)).Value;
            for (int k = 0; k < limbs; k++)
            {
                limbSegments[k][x] = Goldilocks.FromUInt64(k < 8 ? (u >> (8 * k)) & 0xFF : 0);
            }
        }

        Goldilocks[] limbPolynomial = layout.Assemble(limbSegments)[0];
        LigeroProverState limbState = LigeroProver.Commit(limbPolynomial, training.Parameters, salts);
        int[] columnLimbs = ColumnLimbs(limbs, topBits);
        var columns = columnLimbs.Select((k, j) => (limbSegments[k], Scale(j, limbs, topBits))).ToList();
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        Transcript transcript = Begin(training, snapshot, limbState.Commitment, multiplicities);
        var builder = new ProofBuilder<E>();
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, TableBits);

        E[] z = transcript.Challenges<E>("range/z", v);
        var values = new E[limbs + 1];
        values[0] = MatrixMultiplicationSumcheck.EvaluateMatrix<E>(table, z);
        for (int k = 0; k < limbs; k++)
        {
            values[k + 1] = MatrixMultiplicationSumcheck.EvaluateMatrix<E>(limbSegments[k], z);
        }

        builder.Send(transcript, "range/evaluations", values);
        List<SegmentClaim<E>> claims = Claims(columnLimbs, lookup, z, values);
        LigeroOpeningProof<E>[] limbOpenings = ClaimBatcher.Prove(transcript, builder, layout, [limbPolynomial], [limbState], claims);
        LigeroOpeningProof<E> weightOpening = LigeroProver.Open(transcript, state, z, out _);
        return new SnapshotRangeProof(
            snapshot, limbState.Commitment.Root, multiplicities, [.. builder.Sumchecks], [.. builder.Values], limbOpenings, weightOpening);
    }

    /// <summary>Gets the limb packing (<c>K</c> segments of <c>2^v</c>), <c>K</c>, and the top limb's bit count.</summary>
    private static (SegmentLayout Layout, int Limbs, int TopBits) LimbLayout(TrainingConfig config, int v)
    {
        int limbs = (config.WeightBits + 7) / 8;
        int topBits = config.WeightBits - (8 * (limbs - 1));
        return (SegmentLayout.Create(Enumerable.Repeat(v, limbs).ToArray(), splitLargest: false), limbs, topBits);
    }

    /// <summary>Maps lookup columns to limbs: every limb once, then the top limb again (scaled) when it is narrower than 8 bits.</summary>
    private static int[] ColumnLimbs(int limbs, int topBits) =>
        topBits < 8 ? [.. Enumerable.Range(0, limbs), limbs - 1] : [.. Enumerable.Range(0, limbs)];

    private static ulong Scale(int column, int limbs, int topBits) => column == limbs ? 1UL << (8 - topBits) : 1UL;

    private static List<SegmentClaim<E>> Claims(int[] columnLimbs, LogUpClaims<E> lookup, E[] z, E[] values)
    {
        var claims = columnLimbs.Select((k, j) => new SegmentClaim<E>(k, lookup.ColumnPoints[j], lookup.ColumnValues[j])).ToList();
        for (int k = 0; k + 1 < values.Length; k++)
        {
            claims.Add(new SegmentClaim<E>(k, z, values[k + 1]));
        }

        return claims;
    }

    private static Transcript Begin(TrainingTranscript training, int snapshot, LigeroCommitment limbs, Goldilocks[] multiplicities)
    {
        var transcript = new Transcript("thestage.training.snapshot-range.v1");
        transcript.AbsorbDigest("training", training.Digest);
        transcript.AbsorbUInt64("snapshot", (ulong)snapshot);
        transcript.AbsorbDigest("weights", training.WeightRoots[snapshot]);
        transcript.AbsorbDigest("limbs", limbs.Root);
        transcript.AbsorbUInt64("limb-variables", (ulong)limbs.NumVariables);
        transcript.Absorb<Goldilocks>("multiplicities", multiplicities);
        return transcript;
    }
}
