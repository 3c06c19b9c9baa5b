using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Inference;

/// <summary>
/// Proves and verifies <see cref="WeightRangeProof"/>: all committed weight matrices hold int8 values, and every padding entry
/// of every weight and bias segment is zero.
/// </summary>
/// <remarks>
/// <para>
/// Range: one logUp argument (Haböck, eprint 2022/1530; fractional sumcheck, Papini–Haböck, eprint 2023/1284) looks up
/// every entry of every weight matrix, offset by 128, in <c>[0, 2^8)</c>.
/// </para>
/// <para>
/// Padding: the relations of an inference proof read whole padded segments, so an entry outside the architecture's box
/// (<see cref="CircuitPlan.WeightBoxes"/>: a row at or beyond <c>out</c>, a column beyond the input, a bias beyond
/// <c>out</c>) would act as a hidden unit — a 9-5-3 commitment could carry a 9-8-3 network. For each segment <c>σ</c>, at a
/// random <c>r_σ</c>, a degree-3 sumcheck proves <c>Σ_x eq(r_σ, x)·Pad_σ(x)·S_σ(x) = 0</c> with <c>Pad_σ = 1 − Box_σ</c>; the
/// verifier evaluates <c>eq</c> and <c>P̃ad_σ</c> itself (<see cref="Polynomials.BoxIndicator"/>, <c>O(v)</c>), leaving a claim
/// <c>S̃_σ(s_σ)</c> that joins the batched opening. A non-zero <c>Pad_σ·S_σ</c> on the cube has a non-zero extension, which
/// vanishes at <c>r_σ</c> with probability at most <c>v_σ/|F|</c> (Schwartz–Zippel); the sumcheck adds <c>3·v_σ/|F|</c>.
/// Space between segments in a polynomial is never read by any relation (every claim is on a segment), so it is not checked.
/// </para>
/// <para>
/// Hiding commitments: the multiplicities (the histogram of the int8 weights) are not published but embedded in the range
/// proof's masking pool before the logUp's challenge, and their claim at the GKR's final point is proven by the pool's hiding
/// opening (<see cref="LogUpArgument"/>, committed multiplicities). Plain commitments publish them as before.
/// </para>
/// <para>
/// Hidden weights (<c>TSMC</c> v7, <see cref="WeightMaskLayout"/>): the range proof is the commitment's opening 0 and reads mask set 0. The
/// lookup is the zero-knowledge logUp GKR (<see cref="FractionalSumcheck.ProveZeroKnowledge{T}"/>: layer masks in the pool, no layer
/// claim, root or leaf claim revealed), each weight matrix of at least four entries read through a masked extension whose <c>2v</c>
/// coefficients are set 0's lookup mask of that matrix; each segment with padding is zero-checked through its masked extension with set
/// 0's padding mask (<c>Σ eq(r, x)·Pad(x)·Ṡ(x) = 0</c>, public sum, round degree 5), and a segment without padding (its box the whole
/// segment, so <c>Pad ≡ 0</c>) has no zero-check. Every claim on the weights is then a masked claim, batched by <see cref="ClaimBatcher"/>
/// into the one opening whose value set 0's random segment makes uniform: the proof reveals nothing of the weights beyond the statement
/// (a matrix of fewer than four entries, looked up plain, excepted). <c>TSMC</c> v7 was changed in place (unreleased): its range proof
/// before this (the revealing lookup, plain claims) is refused, the verifier of hidden weights running only this one.
/// </para>
/// <para>Soundness: <see cref="SoundnessError"/>.</para>
/// </remarks>
internal static class WeightRangeArgument
{
    private const ulong Offset = 128;
    private const string PaddingLabel = "weights/padding-r";

    /// <summary>
    /// Proves the ranges and paddings; over hiding parameters the sumchecks are masked from a pool drawn from <paramref name="maskSalts"/>
    /// (null: the CSPRNG), and over hidden weights (<c>TSMC</c> v7) the lookup is the zero-knowledge one and every claim is masked by set 0's
    /// masks. <paramref name="forgedMultiplicities"/> replaces the histogram of the weights, and <paramref name="revealClaims"/> proves a hidden-weights
    /// commitment's range with the revealing lookup and plain claims of <c>TSMC</c> v5 (cheating provers, in tests only).
    /// </summary>
    public static WeightRangeProof Prove(
        ModelCommitment commitment,
        CircuitPlan plan,
        Goldilocks[][] segments,
        Goldilocks[][] polynomials,
        LigeroProverState[] states,
        ISaltSource? maskSalts = null,
        Goldilocks[]? forgedMultiplicities = null,
        bool revealClaims = false)
    {
        int[] columnSegments = ColumnSegments(plan);
        var columns = columnSegments.Select(s => (segments[s], 1UL)).ToList();
        ulong[] offsets = columnSegments.Select(_ => Offset).ToArray();
        Goldilocks[] multiplicities = forgedMultiplicities ?? LogUpArgument.Multiplicities(columns, CircuitPlan.TableBits, offsets);
        bool hiding = commitment.Parameters.Hiding;
        WeightMaskLayout? hidden = revealClaims ? null : commitment.WeightMasks;
        bool zeroKnowledge = hidden is not null;
        Transcript transcript = Begin(commitment, hiding ? null : multiplicities, zeroKnowledge);
        var builder = new ProofBuilder<E>(hiding ? new SumcheckMaskPool<E>(commitment.Parameters, MaskChunkLogSize(plan, commitment.WeightLayout), maskSalts) : null);
        Goldilocks[]?[]? columnMasks = hidden is null ? null : columnSegments
            .Select(s => hidden.RangeLookupMaskOf(s) is int mask and >= 0 ? hidden.Entries(polynomials, mask, MaskedExtension.Entries(plan.WeightLogSizes[s])) : null)
            .ToArray();
        LogUpClaims<E> lookup = LogUpArgument.Prove(
            transcript, builder, columns, multiplicities, CircuitPlan.TableBits, offsets, commitMultiplicities: hiding, columnMasks: columnMasks, zeroKnowledge: zeroKnowledge);
        List<SegmentClaim<E>> claims = Claims(columnSegments, lookup, hidden);
        for (int segment = 0; segment < plan.WeightBoxes.Count; segment++)
        {
            if (zeroKnowledge && !WeightMaskLayout.HasPadding(plan, segment))
            {
                continue; // a segment without padding has nothing to check (Pad ≡ 0), and its value would be revealed
            }

            // Zero-check Σ_x eq(r, x)·Pad(x)·S(x) = 0 over the segment (over hidden weights, S read through set 0's padding mask).
            if (hidden is null)
            {
                (E[] point, E value) = PaddingZeroCheck.Prove(transcript, builder, PaddingLabel, plan.WeightBoxes[segment], segments[segment]);
                claims.Add(new SegmentClaim<E>(segment, point, value));
            }
            else
            {
                int v = plan.WeightLogSizes[segment];
                int mask = hidden.RangePaddingMaskOf(segment);
                Goldilocks[] entries = hidden.Entries(polynomials, mask, MaskedExtension.Entries(v));
                E[] coefficients = MaskedExtension.Read<E>(entries, v);
                (E[] point, E value) = PaddingZeroCheck.Prove(transcript, builder, PaddingLabel, plan.WeightBoxes[segment], segments[segment], coefficients);
                Array.Clear(entries);
                Array.Clear(coefficients);
                claims.Add(new SegmentClaim<E>(segment, point, value, mask));
            }
        }

        foreach (Goldilocks[]? entries in columnMasks ?? [])
        {
            Array.Clear(entries ?? []);
        }

        LigeroOpeningProof<E>[] openings = ClaimBatcher.Prove(transcript, builder, commitment.WeightLayout, polynomials, states, claims);
        if (builder.Masks is null)
        {
            return new WeightRangeProof(multiplicities, builder.Sumchecks, builder.Values.ToArray(), openings);
        }

        Array.Clear(multiplicities);
        return new WeightRangeProof([], builder.Sumchecks, builder.Values.ToArray(), openings, builder.Masks.Chunks, builder.Masks.Open(transcript));
    }

    /// <summary>
    /// The masking pool's chunk size for a model's range proof: the committed multiplicities, the logUp's layers, one degree-3
    /// zero-check per segment and one batching per polynomial; over hidden weights the zero-knowledge logUp's mask coefficients,
    /// its degree-4 root and degree-5 layers, and degree-5 zero-checks (a masked factor).
    /// </summary>
    internal static int MaskChunkLogSize(CircuitPlan plan, SegmentLayout weightLayout)
    {
        int[] columnSegments = ColumnSegments(plan);
        LookupColumnSpec[] specs = columnSegments.Select(s => new LookupColumnSpec(plan.WeightLogSizes[s], 1UL, Offset)).ToArray();
        int leafVariables = LogUpLayout.Create(specs, CircuitPlan.TableBits).LogSize;
        long entries = 1 << CircuitPlan.TableBits;
        if (HidesClaims(plan, weightLayout))
        {
            entries += (2 * (CircuitPlan.TableBits + (FractionalSumcheck.LayerMaskCoefficients * (leafVariables - 1)))) + SumcheckMask<E>.Entries(1, 4);
            for (int j = 1; j < leafVariables; j++)
            {
                entries += SumcheckMask<E>.Entries(j, 5);
            }

            entries += plan.WeightLogSizes.Sum(v => (long)SumcheckMask<E>.Entries(v, 5));
        }
        else
        {
            for (int k = 0; k <= leafVariables; k++)
            {
                entries += SumcheckMask<E>.Entries(k, 3);
            }

            entries += plan.WeightLogSizes.Sum(v => (long)SumcheckMask<E>.Entries(v, 3));
        }

        entries += weightLayout.NumVariables.Sum(v => (long)SumcheckMask<E>.Entries(v, 2));
        return SumcheckMaskVerifier<E>.LogSizeFor((int)Math.Min(entries, 1 << SumcheckMaskChunk.MaxLogSize));
    }

    public static ProofVerdict Verify(ModelCommitment commitment, WeightRangeProof? proof)
    {
        // Published multiplicities exactly for plain commitments: a hiding commitment's are committed (a proof publishing them is refused).
        if (proof is null || proof.Multiplicities.Length != (commitment.Parameters.Hiding ? 0 : 1 << CircuitPlan.TableBits))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        CircuitPlan plan;
        try
        {
            plan = commitment.Plan(1);
        }
        catch (ArgumentException)
        {
            return ProofVerdict.Reject(RejectionReason.Statement);
        }

        // A masked proof's chunks are at most the size its prover chooses for the plan (which bounds the verifier's work).
        if (proof.IsMasked != commitment.Parameters.Hiding || proof.MaskChunks.Any(c => c.LogSize > MaskChunkLogSize(plan, commitment.WeightLayout)))
        {
            return ProofVerdict.Reject(RejectionReason.Format);
        }

        return ProofVerdict.Of(() =>
        {
            int[] columnSegments = ColumnSegments(plan);
            bool hiding = commitment.Parameters.Hiding;
            WeightMaskLayout? hidden = commitment.WeightMasks;
            bool zeroKnowledge = hidden is not null;
            LookupColumnSpec[] specs = columnSegments
                .Select(s => new LookupColumnSpec(plan.WeightLogSizes[s], 1UL, Offset, zeroKnowledge && hidden!.RangeLookupMaskOf(s) >= 0))
                .ToArray();
            Transcript transcript = Begin(commitment, hiding ? null : proof.MultiplicityArray, zeroKnowledge);
            SumcheckMaskVerifier<E>? masks = proof.IsMasked ? new SumcheckMaskVerifier<E>(commitment.Parameters, proof.MaskChunks) : null;
            var cursor = new ProofCursor<E>(proof.Sumchecks, proof.ValueArray, masks);
            LogUpClaims<E> lookup = LogUpArgument.Check(transcript, cursor, specs, CircuitPlan.TableBits, committedMultiplicities: hiding, zeroKnowledge: zeroKnowledge);
            ProofVerdict.Require(
                hiding || MatrixMultiplicationSumcheck.EvaluateMatrix(proof.MultiplicityArray, (ReadOnlySpan<E>)lookup.MultiplicityPoint) == lookup.MultiplicityValue,
                RejectionReason.Lookup,
                "lookup multiplicities");
            List<SegmentClaim<E>> claims = Claims(columnSegments, lookup, hidden);
            for (int segment = 0; segment < plan.WeightBoxes.Count; segment++)
            {
                if (zeroKnowledge && !WeightMaskLayout.HasPadding(plan, segment))
                {
                    continue;
                }

                (E[] point, E value) = PaddingZeroCheck.Verify(
                    transcript, cursor, PaddingLabel, plan.WeightLogSizes[segment], plan.WeightBoxes[segment], $"padding of segment {segment}", masked: zeroKnowledge);
                claims.Add(zeroKnowledge ? new SegmentClaim<E>(segment, point, value, hidden!.RangePaddingMaskOf(segment)) : new SegmentClaim<E>(segment, point, value));
            }

            ClaimBatcher.Verify(transcript, cursor, commitment.WeightLayout, commitment.WeightCommitmentArray, commitment.WeightParameters, claims, proof.Openings, "weights");
            ProofVerdict.Require(cursor.IsExhausted, RejectionReason.Format, "messages after the openings");
            ProofVerdict.Require(masks is null || masks.Finish(transcript, proof.MaskOpenings), RejectionReason.Opening, "opening of the sumcheck masks");
        });
    }

    /// <summary>
    /// Computes the soundness error of the proof for this plan by the union bound over its components, <c>|F| ≈ 2^128</c>:
    /// <c>Σ_p ε_Ligero(v_p) + (N + 2^8 + 1.5·L² + 2L)/|F| + Σ_σ 4·v_σ/|F| + Σ_p (k + 2·v_p)/|F|</c> — one Ligero opening per weight
    /// polynomial <c>p</c> (<see cref="LigeroParameters.SoundnessBits"/>), the logUp over the <c>N</c> weight-matrix entries in
    /// <c>2^L</c> leaves, the zero-check of each segment <c>σ</c>, and the batching of the <c>k</c> claims per polynomial. Hiding
    /// parameters add <c>2/|F|</c> per zero-knowledge sumcheck (<c>L + 1</c> logUp layers, the zero-checks, the batchings),
    /// <c>1/|F|</c> for batching the committed multiplicities' claim into the pool's opening, and
    /// <c>MaxChunks · ε_Ligero(weakest chunk size)</c> for the pool's openings (the multiplicities' chunk among them). The weight openings count under <paramref name="weightParameters"/> (with the
    /// commitment's opening budget), the masking pool's under <paramref name="parameters"/>. Over hidden weights (<paramref name="weightLayout"/>
    /// the <see cref="WeightMaskLayout"/>'s) the logUp's term is the zero-knowledge GKR's (<see cref="LogUpArgument.SoundnessBits"/> with
    /// <c>zeroKnowledge</c>, which counts its own sumchecks' masks), each zero-check of a segment with padding has round degree 5 (a masked
    /// factor: <c>6·v_σ/|F|</c> with Schwartz–Zippel), and segments without padding have none.
    /// </summary>
    public static double SoundnessError(CircuitPlan plan, SegmentLayout weightLayout, LigeroParameters parameters, LigeroParameters weightParameters)
    {
        double field = E.Log2Size;
        int[] columnSegments = ColumnSegments(plan);
        LookupColumnSpec[] specs = columnSegments.Select(s => new LookupColumnSpec(plan.WeightLogSizes[s], 1UL, Offset)).ToArray();
        long lookups = specs.Sum(c => 1L << c.LogSize);
        bool zeroKnowledge = HidesClaims(plan, weightLayout);
        int leafVariables = LogUpLayout.Create(specs, CircuitPlan.TableBits).LogSize;
        double epsilon = Math.Pow(
            2.0, -LogUpArgument.SoundnessBits(lookups, CircuitPlan.TableBits, leafVariables, field, committedMultiplicities: parameters.Hiding, zeroKnowledge: zeroKnowledge));
        int[] checkedSegments = Enumerable.Range(0, plan.WeightBoxes.Count).Where(s => !zeroKnowledge || WeightMaskLayout.HasPadding(plan, s)).ToArray();
        double terms = (zeroKnowledge ? 6.0 : 4.0) * checkedSegments.Sum(s => plan.WeightLogSizes[s]);
        int claims = columnSegments.Length + checkedSegments.Length;
        foreach (int v in weightLayout.NumVariables)
        {
            epsilon += Math.Pow(2.0, -weightParameters.SoundnessBits(v, field));
            terms += claims + (2.0 * v);
        }

        if (parameters.Hiding)
        {
            // Zero-knowledge sumchecks: 2/|F| each (ρ and the batched g(r)) and the openings of the pool's chunks, at most
            // SumcheckMaskChunk.MaxChunks of at most MaskChunkLogSize variables.
            terms += 2.0 * ((zeroKnowledge ? 0 : leafVariables + 1) + checkedSegments.Length + weightLayout.NumVariables.Length);
            double weakest = Enumerable.Range(SumcheckMaskChunk.MinLogSize, MaskChunkLogSize(plan, weightLayout) - SumcheckMaskChunk.MinLogSize + 1).Min(v => parameters.SoundnessBits(v, field));
            epsilon += SumcheckMaskChunk.MaxChunks * Math.Pow(2.0, -weakest);
        }

        return epsilon + (terms / Math.Pow(2.0, field));
    }

    private static int[] ColumnSegments(CircuitPlan plan) =>
        plan.WeightSegments.OrderBy(p => p.Key).Select(p => p.Value.Weights).ToArray();

    /// <summary>The lookup's column claims: on set 0's lookup masks over hidden weights (at the lookup's mask points), else plain.</summary>
    private static List<SegmentClaim<E>> Claims(int[] columnSegments, LogUpClaims<E> lookup, WeightMaskLayout? hidden) =>
        columnSegments.Select((s, j) => lookup.ColumnMaskPoints[j] is { } maskPoint
            ? new SegmentClaim<E>(s, lookup.ColumnPoints[j], lookup.ColumnValues[j], hidden!.RangeLookupMaskOf(s), maskPoint)
            : new SegmentClaim<E>(s, lookup.ColumnPoints[j], lookup.ColumnValues[j])).ToList();

    /// <summary>
    /// Whether a weight layout is the hidden weights' (<see cref="WeightMaskLayout"/>, <c>TSMC</c> v7: more segments than the plan's
    /// weights), whose range proof runs the zero-knowledge lookup with masked claims.
    /// </summary>
    private static bool HidesClaims(CircuitPlan plan, SegmentLayout weightLayout) =>
        plan.WeightLogSizes.Count > 0 && weightLayout.SegmentCount > plan.WeightLogSizes.Count;

    /// <summary>
    /// Starts the transcript: plain proofs absorb the published multiplicities, hiding ones (null) commit them in the pool under their own
    /// protocol label, and zero-knowledge ones (hidden weights, <paramref name="zeroKnowledge"/>) under another.
    /// </summary>
    private static Transcript Begin(ModelCommitment commitment, Goldilocks[]? multiplicities, bool zeroKnowledge)
    {
        var transcript = new Transcript(
            zeroKnowledge ? "thestage/weight-ranges/v4-zero-knowledge-logup" : multiplicities is null ? "thestage/weight-ranges/v3-committed-multiplicities" : "thestage/weight-ranges/v2");
        transcript.AbsorbDigest("model/architecture", commitment.ArchitectureDigest);
        foreach (LigeroCommitment weights in commitment.WeightCommitmentArray)
        {
            transcript.AbsorbDigest("model/weights-root", weights.Root);
            transcript.AbsorbUInt64("model/weights-variables", (ulong)weights.NumVariables);
        }

        if (multiplicities is not null)
        {
            transcript.Absorb<Goldilocks>("weights/multiplicities", multiplicities);
        }

        return transcript;
    }
}
