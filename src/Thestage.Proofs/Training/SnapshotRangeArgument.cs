using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves and verifies <see cref="SnapshotRangeProof"/>: every entry of each committed snapshot polynomial <c>P_g</c>
/// (one or two polynomials, see <c>WeightCommitment</c>) lies in <c>[−2^(W−1), 2^(W−1))</c>, and every padding entry
/// (weight rows <c>j ≥ out</c>, columns <c>i ≥ in</c>, bias entries <c>j ≥ out</c>, space between segments) is zero; so the
/// field identities of step proofs are integer identities about exactly the <c>out × in</c> matrices and <c>out</c> biases.
/// </summary>
/// <remarks>
/// <para>
/// Range. The prover commits (Ligero, one polynomial) to the <c>K = ⌈W/8⌉</c> byte limbs of <c>u_g = P_g + 2^(W−1)</c>
/// for every snapshot polynomial <c>g</c>, packed as <c>K</c> segments of each polynomial's size. One logUp argument
/// (Haböck, eprint 2022/1530; fractional sum by layered GKR sumchecks, Papini–Haböck, eprint 2023/1284) checks every
/// limb against <c>[0, 2^8)</c>; when the top limb has <c>b &lt; 8</c> bits it is looked up a second time scaled by
/// <c>2^(8−b)</c>, which bounds it by <c>2^b</c>.
/// </para>
/// <para>
/// Padding. For each <c>g</c>, at a random <c>r_g</c>, a degree-3 sumcheck proves the zero-check
/// <c>Σ_x eq(r_g, x)·Pad_g(x)·P_g(x) = 0</c>, <c>Pad_g</c> the 0/1 padding indicator (<c>SnapshotPadding</c>). It ends at
/// a random <c>s_g</c> with claims on the three factors: the verifier computes <c>eq(r_g, s_g)</c> and <c>P̃ad_g(s_g)</c>
/// itself (prefix masks, <c>O(segments·v)</c>), which leaves <c>P̃_g(s_g)</c>.
/// </para>
/// <para>
/// Recomposition at the same point. The prover sends <c>L̃_(g,k)(s_g)</c> and the verifier checks
/// <c>P̃_g(s_g) + 2^(W−1) = Σ_k 2^(8k)·L̃_(g,k)(s_g)</c>; all limb claims are batched into one Ligero opening
/// (<c>ClaimBatcher</c>) and each <c>P̃_g(s_g)</c> is opened against the snapshot's root <c>g</c> — the same number of
/// openings as without the padding check (a hiding run's snapshot polynomials are <see cref="SnapshotMaskLayout"/>'s, holding <c>P_g</c> as
/// segment <c>g</c>: the opening is at that segment's Boolean prefix followed by <c>s_g</c>, <see cref="WeightCommitment.OpeningPoint"/>,
/// and its Ligero term is the committed polynomial's). Reusing <c>s_g</c> is sound: <c>P_g</c> and the limbs are bound before the
/// sumcheck challenges are drawn, so <c>s_g</c> is uniform with respect to their difference.
/// </para>
/// <para>
/// Soundness, by the union bound over <c>|E| = p² ≈ 2^128</c>:
/// <c>ε ≤ (N + 2^8 + 1.5·L² + 2L)/|E|</c> (logUp, <c>N</c> looked-up entries, <c>2^L</c> leaves)
/// <c>+ Σ_g 4·v_g/|E|</c> (zero-check: a non-zero <c>Pad_g·P_g</c> on the cube has a non-zero multilinear extension, which
/// vanishes at <c>r_g</c> with probability at most <c>v_g/|E|</c> by Schwartz–Zippel; the degree-3 sumcheck adds
/// <c>3·v_g/|E|</c>) <c>+ Σ_g v_g/|E|</c> (recomposition, Schwartz–Zippel on a multilinear difference)
/// <c>+ (c + 2·v_L)/|E|</c> (batching <c>c</c> limb claims on the <c>v_L</c>-variable limb polynomial)
/// <c>+ (1 + k)·ε_Ligero</c> (one limb opening and <c>k ∈ {1, 2}</c> snapshot openings, <c>ε_Ligero ≈ 2^−103.07</c>,
/// <c>docs/proofs.md</c>; <see cref="SoundnessBits"/>), and for a hiding run <c>2/|E|</c> per zero-knowledge sumcheck, <c>1/|E|</c> for the
/// committed multiplicities' batching and the pool's openings (below). For 784-64-10 with <c>W = 24</c> (<c>v_g = 16, 11</c>; <c>v_L = L = 18</c>; <c>N = 202,752</c>;
/// <c>c = 12</c>) the field terms total <c>≈ 2^−110.4</c> and the openings <c>3·2^−103.07 = 2^−101.49</c>: 101.48 bits. Since limbs are bytes and <c>Σ 2^(8k) l_k &lt; 2^W &lt; p</c>, an
/// accepted recomposition means <c>u ∈ [0, 2^W)</c> as an integer.
/// </para>
/// <para>
/// Hiding runs: the sumchecks are zero-knowledge (masked from a pool committed with hiding Ligero), and the multiplicities
/// (the histogram of the limbs) are not published but embedded in the pool before the logUp's challenge, their claim at the
/// GKR's final point proven by the pool's opening (<see cref="LogUpArgument"/>, committed multiplicities). The pool adds
/// <c>MaxChunks · ε_Ligero(weakest chunk size)</c> to <c>ε</c>. The logUp is the zero-knowledge GKR
/// (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>, <c>TSSR</c> v6): its layer masks are reserved in the pool, and every limb
/// column is read through a masked extension whose <c>2v</c> coefficients are segment <c>S + s</c> of the limb polynomial (beside a random
/// segment of two entries, so the batched opening's value is uniform); the lookup's limb claims are batched as masked claims, the
/// recomposition's stay plain (they equal the snapshot's opened value). Its error is
/// <c>LogUpArgument.SoundnessBits(…, zeroKnowledge: true)</c>, which also counts the masks of its sumchecks.
/// </para>
/// </remarks>
public static class SnapshotRangeArgument
{
    private const int TableBits = 8;
    private const string PaddingLabel = "range/padding-r";

    /// <summary>Proves that snapshot <paramref name="snapshot"/> of a recorded run is in range and zero at every padding position.</summary>
    /// <param name="run">The recorded run.</param>
    /// <param name="snapshot">The snapshot index, in <c>[0, T]</c>.</param>
    /// <param name="salts">The salt source of the limb commitment and, for a hiding run, of the sumcheck masks (random if null; seeded only in tests).</param>
    /// <returns>The proof.</returns>
    public static SnapshotRangeProof Prove(TrainingRun run, int snapshot, ISaltSource? salts = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapshot, run.Transcript.StepCount);
        return Prove(run.Transcript, snapshot, run.WeightStates(snapshot), WeightCommitment.Evaluations(run.Snapshots[snapshot]), salts);
    }

    /// <summary>Verifies a range-and-padding proof under <see cref="VerifierPolicy.Default"/>.</summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, SnapshotRangeProof? proof) => Verify(training, proof, VerifierPolicy.Default);

    /// <summary>
    /// Verifies a range-and-padding proof against the transcript's snapshot roots, refusing a transcript whose range proofs are
    /// weaker than <paramref name="policy"/> (<see cref="SoundnessBits"/>).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, SnapshotRangeProof? proof, VerifierPolicy policy) => Check(training, proof, policy).IsAccepted;

    /// <summary>
    /// Checks a range-and-padding proof as <see cref="Verify(TrainingTranscript, SnapshotRangeProof?, VerifierPolicy)"/> does, saying
    /// why it is rejected: <see cref="RejectionReason.SoundnessPolicy"/>, <see cref="RejectionReason.Format"/>,
    /// <see cref="RejectionReason.Statement"/> (a snapshot outside the run), <see cref="RejectionReason.Lookup"/> (a limb out of range),
    /// <see cref="RejectionReason.Relation"/> (<c>"padding of polynomial g"</c>, <c>"recomposition of polynomial g"</c>) or
    /// <see cref="RejectionReason.Opening"/> (<c>"opening of limbs"</c>, <c>"opening of snapshot polynomial g"</c>).
    /// </summary>
    /// <param name="training">The training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <param name="policy">The verifier's policy.</param>
    /// <returns>The verdict; never throws on a malformed proof.</returns>
    public static ProofVerdict Check(TrainingTranscript training, SnapshotRangeProof? proof, VerifierPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(policy);
        return policy.RefusesPlain(training.Parameters) ? ProofVerdict.Reject(RejectionReason.NotZeroKnowledge)
            : SoundnessBits(training) < policy.MinimumSoundnessBits ? ProofVerdict.Reject(RejectionReason.SoundnessPolicy)
            : CheckProof(training, proof);
    }

    /// <summary>Computes the soundness of a range proof for this transcript: the formula in the remarks, under the transcript's Ligero parameters.</summary>
    /// <param name="training">The training transcript.</param>
    /// <returns><c>−log2 ε</c>.</returns>
    public static double SoundnessBits(TrainingTranscript training)
    {
        ArgumentNullException.ThrowIfNull(training);
        int[] variables = WeightCommitment.NumVariables(training.Config);
        (SegmentLayout layout, int limbs, int topBits) = LimbLayout(training.Config, variables, training.Parameters.Hiding);
        (int Segment, ulong Scale)[] columns = Columns(variables.Length, limbs, topBits);
        LookupColumnSpec[] specs = columns.Select(c => new LookupColumnSpec(layout.LogSizeOf(c.Segment), c.Scale, 0)).ToArray();
        double field = E.Log2Size;
        int limbVariables = layout.NumVariables[0];
        bool hiding = training.Parameters.Hiding;
        double epsilon = Math.Pow(2.0, -training.Parameters.SoundnessBits(limbVariables, field))
            + Math.Pow(2.0, -LogUpArgument.SoundnessBits(
                specs.Sum(c => 1L << c.LogSize), TableBits, LogUpLayout.Create(specs, TableBits).LogSize, field, committedMultiplicities: hiding, zeroKnowledge: hiding));
        double terms = columns.Length + (variables.Length * limbs) + (2.0 * limbVariables);
        for (int g = 0; g < variables.Length; g++)
        {
            epsilon += Math.Pow(2.0, -training.Parameters.SoundnessBits(training.WeightVariables[g], field)); // the committed polynomial's opening
            terms += 5.0 * variables[g]; // zero-check: v (Schwartz–Zippel) + 3v (sumcheck); recomposition: v
        }

        if (hiding)
        {
            // Zero-knowledge sumchecks outside the logUp (counted there): 2/|F| each (ρ and the batched g(r)), and the pool's chunk
            // openings (at most MaxChunks). The masked limb claims are linear functionals like evaluations: the batching is unchanged.
            terms += 2.0 * (variables.Length + 1);
            double weakest = Enumerable.Range(SumcheckMaskChunk.MinLogSize, MaskChunkLogSize(training) - SumcheckMaskChunk.MinLogSize + 1)
                .Min(v => training.Parameters.SoundnessBits(v, field));
            epsilon += SumcheckMaskChunk.MaxChunks * Math.Pow(2.0, -weakest);
        }

        return -Math.Log2(epsilon + (terms / Math.Pow(2.0, field)));
    }

    /// <summary>The protocol checks of <see cref="Check"/>, without the policy.</summary>
    internal static ProofVerdict CheckProof(TrainingTranscript training, SnapshotRangeProof? proof)
    {
        int polynomials = training.WeightPolynomialCount;
        bool hiding = training.Parameters.Hiding;

        // Published multiplicities exactly for plain runs: a hiding run's are committed (a proof publishing them is refused).
        if (proof is null || proof.MultiplicityArray is null
            || proof.MultiplicityArray.Length != (hiding ? 0 : 1 << TableBits) || proof.SumcheckArray is null || proof.ValueArray is null
            || proof.LimbOpeningArray is null || proof.WeightOpeningArray is null || proof.WeightOpeningArray.Length != polynomials
            || proof.WeightOpeningArray.Any(o => o is null))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        if (proof.Snapshot < 0 || proof.Snapshot > training.StepCount)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        // Masks exactly for hiding runs, in chunks at most the size its prover chooses (bounding the verifier's work).
        if (proof.IsMasked != training.Parameters.Hiding || proof.MaskChunks.Any(c => c.LogSize > MaskChunkLogSize(training)))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        return ProofVerdict.Of(() =>
        {
            TrainingConfig config = training.Config;
            int[] variables = WeightCommitment.NumVariables(training.Config);
            (SegmentLayout layout, int limbs, int topBits) = LimbLayout(config, variables, training.Parameters.Hiding);
            var limbCommitment = new LigeroCommitment(proof.LimbRoot, layout.NumVariables[0]);
            Transcript transcript = Begin(training, proof.Snapshot, limbCommitment, hiding ? null : proof.MultiplicityArray);
            SumcheckMaskVerifier<E>? masks = proof.IsMasked ? new SumcheckMaskVerifier<E>(training.Parameters, proof.MaskChunks) : null;
            var cursor = new ProofCursor<E>(proof.SumcheckArray, proof.ValueArray, masks);
            (int Segment, ulong Scale)[] columns = Columns(polynomials, limbs, topBits);
            LookupColumnSpec[] specs = columns.Select(c => new LookupColumnSpec(layout.LogSizeOf(c.Segment), c.Scale, 0, hiding)).ToArray();
            LogUpClaims<E> lookup = LogUpArgument.Check(transcript, cursor, specs, TableBits, committedMultiplicities: hiding, zeroKnowledge: hiding);
            ProofVerdict.Require(
                hiding || MatrixMultiplicationSumcheck.EvaluateMatrix(proof.MultiplicityArray, (ReadOnlySpan<E>)lookup.MultiplicityPoint) == lookup.MultiplicityValue,
                RejectionReason.Lookup,
                "lookup multiplicities");
            var z = new E[polynomials][];
            var snapshotValues = new E[polynomials];
            for (int g = 0; g < polynomials; g++)
            {
                string relation = $"padding of polynomial {g}";
                E[] r = transcript.Challenges<E>(PaddingLabel, variables[g]);
                ProofVerdict.Require(cursor.TryNextSumcheck(out SumcheckProof<E>? zeroCheck), RejectionReason.Format, relation);
                SumcheckVerification<E> padding = SumcheckVerifier.Verify(transcript, E.Zero, variables[g], 3, zeroCheck, masks);
                ProofVerdict.Require(padding, RejectionReason.Relation, relation);
                z[g] = padding.Point.ToArray();
                ProofVerdict.Require(
                    padding.FactorEvaluations[0] == EqPolynomial.Evaluate<E>(r, z[g]) && padding.FactorEvaluations[1] == SnapshotPadding.Evaluate<E>(config, g, z[g]),
                    RejectionReason.Relation,
                    relation);
                snapshotValues[g] = padding.FactorEvaluations[2];
            }

            ProofVerdict.Require(cursor.TryReceive(transcript, "range/limb-evaluations", polynomials * limbs, out E[] values), RejectionReason.Format, "limb evaluations");
            for (int g = 0; g < polynomials; g++)
            {
                E recomposed = E.Zero;
                for (int k = limbs - 1; k >= 0; k--)
                {
                    recomposed = (recomposed * E.FromUInt64(256)) + values[(g * limbs) + k];
                }

                ProofVerdict.Require(snapshotValues[g] + E.FromUInt64(1UL << (config.WeightBits - 1)) == recomposed, RejectionReason.Relation, $"recomposition of polynomial {g}");
            }

            List<SegmentClaim<E>> claims = Claims(columns, lookup, z, values, limbs);
            ClaimBatcher.Verify(transcript, cursor, layout, [limbCommitment], training.Parameters, claims, proof.LimbOpeningArray, "limbs");
            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            LigeroCommitment[] weights = training.WeightCommitmentsAt(proof.Snapshot);
            for (int g = 0; g < polynomials; g++)
            {
                ProofVerdict.Require(
                    LigeroVerifier.Check(
                        transcript, weights[g], training.Parameters, WeightCommitment.OpeningPoint(config, hiding, g, z[g]), snapshotValues[g], proof.WeightOpeningArray[g]), $"opening of snapshot polynomial {g}");
            }

            ProofVerdict.Require(masks is null || masks.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }

    /// <summary>
    /// Proves for explicit snapshot tables, one per weight polynomial (the honest ones, or forged ones in tests);
    /// <paramref name="zeroCheckFactors"/> may replace the zero-check's factor tables <c>[eq(r, ·), Pad, P]</c> of polynomial
    /// <c>g</c> (a cheating prover, in tests only).
    /// </summary>
    internal static SnapshotRangeProof Prove(
        TrainingTranscript training,
        int snapshot,
        LigeroProverState[] states,
        Goldilocks[][] tables,
        ISaltSource? salts,
        Func<int, E[][], E[][]>? zeroCheckFactors = null)
    {
        TrainingConfig config = training.Config;
        int polynomials = tables.Length;
        int[] variables = WeightCommitment.NumVariables(training.Config);
        (SegmentLayout layout, int limbs, int topBits) = LimbLayout(config, variables, training.Parameters.Hiding);
        ulong offset = 1UL << (config.WeightBits - 1);
        var limbSegments = new Goldilocks[polynomials * limbs][];
        for (int g = 0; g < polynomials; g++)
        {
            Goldilocks[] table = tables[g];
            for (int k = 0; k < limbs; k++)
            {
                limbSegments[(g * limbs) + k] = new Goldilocks[table.Length];
            }

            for (int x = 0; x < table.Length; x++)
            {
                ulong u = (table[x] + Goldilocks.FromUInt64(offset)).Value;
                for (int k = 0; k < limbs; k++)
                {
                    limbSegments[(g * limbs) + k][x] = Goldilocks.FromUInt64(k < 8 ? (u >> (8 * k)) & 0xFF : 0);
                }
            }
        }

        bool hiding = training.Parameters.Hiding;
        Goldilocks[][] segments = hiding ? [.. limbSegments, .. RandomSegments(layout, limbSegments.Length, salts)] : limbSegments;
        Goldilocks[] limbPolynomial = layout.Assemble(segments)[0];
        LigeroProverState limbState = LigeroProver.Commit(limbPolynomial, training.Parameters, salts);
        (int Segment, ulong Scale)[] columnSpecs = Columns(polynomials, limbs, topBits);
        var columns = columnSpecs.Select(c => (limbSegments[c.Segment], c.Scale)).ToList();
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        Transcript transcript = Begin(training, snapshot, limbState.Commitment, hiding ? null : multiplicities);
        var builder = new ProofBuilder<E>(hiding ? new SumcheckMaskPool<E>(training.Parameters, MaskChunkLogSize(training), salts) : null);
        Goldilocks[]?[]? columnMasks = hiding
            ? columnSpecs.Select(c => segments[limbSegments.Length + c.Segment][..MaskedExtension.Entries(layout.LogSizeOf(c.Segment))]).ToArray()
            : null;
        LogUpClaims<E> lookup = LogUpArgument.Prove(transcript, builder, columns, multiplicities, TableBits, commitMultiplicities: hiding, columnMasks: columnMasks, zeroKnowledge: hiding);

        var z = new E[polynomials][];
        for (int g = 0; g < polynomials; g++)
        {
            // Zero-check Σ_x eq(r, x)·Pad(x)·P(x) = 0; its final point is also the recomposition point.
            E[] r = transcript.Challenges<E>(PaddingLabel, variables[g]);
            E[][] factors =
            [
                EqPolynomial.Table<E>(r),
                SnapshotPadding.Table<E>(config, g),
                tables[g].Select(E.FromBase).ToArray(),
            ];
            factors = zeroCheckFactors?.Invoke(g, factors) ?? factors;
            SumcheckProverOutput<E> padding = SumcheckProver.Prove(transcript, E.Zero, factors.Select(f => new MultilinearPolynomial<E>(f)).ToArray(), builder.Masks);
            builder.AddSumcheck(padding.Proof);
            z[g] = padding.Point.ToArray();
        }

        var values = new E[polynomials * limbs];
        for (int g = 0; g < polynomials; g++)
        {
            for (int k = 0; k < limbs; k++)
            {
                values[(g * limbs) + k] = MatrixMultiplicationSumcheck.EvaluateMatrix<E>(limbSegments[(g * limbs) + k], z[g]);
            }
        }

        builder.Send(transcript, "range/limb-evaluations", values);
        List<SegmentClaim<E>> claims = Claims(columnSpecs, lookup, z, values, limbs);
        LigeroOpeningProof<E>[] limbOpenings = ClaimBatcher.Prove(transcript, builder, layout, [limbPolynomial], [limbState], claims);
        var weightOpenings = new LigeroOpeningProof<E>[polynomials];
        for (int g = 0; g < polynomials; g++)
        {
            weightOpenings[g] = LigeroProver.Open(transcript, states[g], WeightCommitment.OpeningPoint(config, training.Parameters.Hiding, g, z[g]), out _);
        }

        if (builder.Masks is null)
        {
            return new SnapshotRangeProof(snapshot, limbState.Commitment.Root, multiplicities, [.. builder.Sumchecks], [.. builder.Values], limbOpenings, weightOpenings);
        }

        Array.Clear(multiplicities);
        foreach (Goldilocks[] segment in segments.Concat(columnMasks!.Select(m => m!)))
        {
            Array.Clear(segment);
        }

        Array.Clear(limbPolynomial);
        return new SnapshotRangeProof(
            snapshot, limbState.Commitment.Root, [], [.. builder.Sumchecks], [.. builder.Values], limbOpenings, weightOpenings,
            [.. builder.Masks.Chunks], builder.Masks.Open(transcript));
    }

    /// <summary>The masking pool's chunk size for a hiding run's range proofs: the committed multiplicities, the zero-knowledge logUp's masks and layers, one degree-3 zero-check per snapshot polynomial and the limb batching.</summary>
    internal static int MaskChunkLogSize(TrainingTranscript training)
    {
        int[] variables = WeightCommitment.NumVariables(training.Config);
        (SegmentLayout layout, int limbs, int topBits) = LimbLayout(training.Config, variables, training.Parameters.Hiding);
        LookupColumnSpec[] specs = Columns(variables.Length, limbs, topBits).Select(c => new LookupColumnSpec(layout.LogSizeOf(c.Segment), c.Scale, 0)).ToArray();
        long entries = (1 << TableBits) + SumcheckMask<E>.Entries(layout.NumVariables[0], 2) + variables.Sum(v => (long)SumcheckMask<E>.Entries(v, 3));
        int leafVariables = LogUpLayout.Create(specs, TableBits).LogSize;

        // The zero-knowledge GKR: the multiplicities' and the layers' mask coefficients, a root of degree 4 and layers of degree 5.
        entries += (2 * (TableBits + (FractionalSumcheck.LayerMaskCoefficients * (leafVariables - 1)))) + SumcheckMask<E>.Entries(1, 4);
        for (int j = 1; j < leafVariables; j++)
        {
            entries += SumcheckMask<E>.Entries(j, 5);
        }

        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    /// <summary>
    /// Gets the limb packing (for each snapshot polynomial <c>g</c>, <c>K</c> segments of its size, segment <c>g·K + k</c>
    /// holding limb <c>k</c>; for a hiding run then segment <c>S + s</c> holding the masked-extension coefficients of limb segment
    /// <c>s</c>, <c>S = polynomials·K</c>, and segment <c>2S</c> of two uniform entries), <c>K</c>, and the top limb's bit count.
    /// </summary>
    private static (SegmentLayout Layout, int Limbs, int TopBits) LimbLayout(TrainingConfig config, int[] variables, bool hiding)
    {
        int limbs = (config.WeightBits + 7) / 8;
        int topBits = config.WeightBits - (8 * (limbs - 1));
        int[] logSizes = variables.SelectMany(v => Enumerable.Repeat(v, limbs)).ToArray();
        if (hiding)
        {
            // Zero-knowledge: each limb segment's masked-extension coefficients, then a random segment of two entries.
            logSizes = [.. logSizes, .. logSizes.Select(v => SumcheckMaskVerifier<E>.LogSizeFor(MaskedExtension.Entries(v))), 1];
        }

        return (SegmentLayout.Create(logSizes, splitLargest: false), limbs, topBits);
    }

    /// <summary>
    /// Gets the lookup columns: every limb segment once (unscaled), then, when the top limb is narrower than 8 bits, each
    /// polynomial's top-limb segment again scaled by <c>2^(8−b)</c>.
    /// </summary>
    private static (int Segment, ulong Scale)[] Columns(int polynomials, int limbs, int topBits)
    {
        var columns = new List<(int, ulong)>();
        for (int s = 0; s < polynomials * limbs; s++)
        {
            columns.Add((s, 1UL));
        }

        if (topBits < 8)
        {
            for (int g = 0; g < polynomials; g++)
            {
                columns.Add(((g * limbs) + limbs - 1, 1UL << (8 - topBits)));
            }
        }

        return [.. columns];
    }

    /// <summary>
    /// The limb claims: the lookup's (on the masked extensions of a hiding run, whose coefficients are in segment <c>S + s</c>), then
    /// the recomposition's at each zero-check point (plain: they equal the snapshot's opened value).
    /// </summary>
    private static List<SegmentClaim<E>> Claims((int Segment, ulong Scale)[] columns, LogUpClaims<E> lookup, E[][] z, E[] values, int limbs)
    {
        int limbSegments = z.Length * limbs;
        var claims = columns
            .Select((c, j) => lookup.ColumnMaskPoints[j] is { } maskPoint
                ? new SegmentClaim<E>(c.Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j], limbSegments + c.Segment, maskPoint)
                : new SegmentClaim<E>(c.Segment, lookup.ColumnPoints[j], lookup.ColumnValues[j]))
            .ToList();
        for (int g = 0; g < z.Length; g++)
        {
            for (int k = 0; k < limbs; k++)
            {
                claims.Add(new SegmentClaim<E>((g * limbs) + k, z[g], values[(g * limbs) + k]));
            }
        }

        return claims;
    }

    /// <summary>The uniform segments of a hiding run's limb polynomial: each limb segment's mask coefficients, then the random segment (CSPRNG or the given salts).</summary>
    private static Goldilocks[][] RandomSegments(SegmentLayout layout, int limbSegments, ISaltSource? salts)
    {
        var words = new LigeroMasking.SaltWords(salts ?? RandomSaltSource.Instance);
        var segments = new Goldilocks[limbSegments + 1][];
        for (int s = 0; s < segments.Length; s++)
        {
            segments[s] = new Goldilocks[1 << layout.LogSizeOf(limbSegments + s)];
            for (int i = 0; i < segments[s].Length; i++)
            {
                segments[s][i] = Goldilocks.Sample(words);
            }
        }

        words.Clear();
        return segments;
    }

    /// <summary>Starts the transcript: plain proofs absorb the published multiplicities, hiding ones (null) commit them in the pool under their own protocol label.</summary>
    private static Transcript Begin(TrainingTranscript training, int snapshot, LigeroCommitment limbs, Goldilocks[]? multiplicities)
    {
        var transcript = new Transcript(multiplicities is null ? "thestage.training.snapshot-range.v6-zero-knowledge-logup" : "thestage.training.snapshot-range.v3");
        transcript.AbsorbDigest("training", training.Digest);
        transcript.AbsorbUInt64("snapshot", (ulong)snapshot);
        foreach (Digest256 root in training.WeightRootsOf(snapshot))
        {
            transcript.AbsorbDigest("weights", root);
        }

        transcript.AbsorbDigest("limbs", limbs.Root);
        transcript.AbsorbUInt64("limb-variables", (ulong)limbs.NumVariables);
        if (multiplicities is not null)
        {
            transcript.Absorb<Goldilocks>("multiplicities", multiplicities);
        }

        return transcript;
    }
}
