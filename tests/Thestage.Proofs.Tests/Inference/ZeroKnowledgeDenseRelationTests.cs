using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// A requantized Dense layer proven in zero-knowledge with its final claims hidden, from the building blocks alone (the inference
/// proof does not use them yet): <c>Y = W·X + b</c>, <c>Y + h = 2^s·Q + R</c>, as one zero-check over <c>(o, k)</c> with claimed sum
/// <c>−h</c> — <c>Σ_(o,k) eq(z, o)·Ẇ(o, k)·Ẋ(k) + 2^(−v_k)·eq(z, o)·(ḃ(o) − 2^s·Q̇(o) − Ṙ(o)) = −h</c> — a sum of products over masked
/// extensions (<see cref="SumcheckProver.ProveMaskedProducts{T}"/>), so no intermediate value (not even <c>Ỹ(z)</c>) is revealed; its
/// masked claims are discharged by one batched hiding opening per committed polynomial (weights: <c>W</c>, <c>b</c>; witness:
/// <c>X</c>, <c>Q</c>, <c>R</c>; each with its masks and a random segment, <see cref="ClaimBatcher"/>).
/// </summary>
public sealed class ZeroKnowledgeDenseRelationTests
{
    private const string Protocol = "zk-dense-test";
    private const int RowVariables = 2, ColumnVariables = 3, Shift = 3, V = RowVariables + ColumnVariables;
    private const int W = 0, Bias = 1, MaskW = 2, MaskBias = 3, WeightRandom = 4;
    private const int X = 0, Q = 1, R = 2, MaskX = 3, MaskQ = 4, MaskR = 5, WitnessRandom = 6;

    private static readonly LigeroParameters Hiding = LigeroParameters.DefaultHiding;

    // Mask segments hold 2·V base entries (the masks live on the zero-check's V variables): 2^4 entries each.
    private static readonly SegmentLayout WeightLayout = SegmentLayout.Create([V, RowVariables, 4, 4, 1], splitLargest: false);
    private static readonly SegmentLayout WitnessLayout = SegmentLayout.Create([ColumnVariables, RowVariables, RowVariables, 4, 4, 4, 1], splitLargest: false);

    private static readonly Goldilocks Half = new(1UL << (Shift - 1));

    internal sealed record Run(
        LigeroCommitment Weights, LigeroCommitment Witness, SumcheckProof<E>[] Sumchecks, E[] Values, LigeroOpeningProof<E>[] WeightOpenings, LigeroOpeningProof<E>[] WitnessOpenings,
        IReadOnlyList<SumcheckMaskChunk> Chunks, LigeroOpeningProof<E>[] PoolOpenings);

    /// <summary>The layer: weights <c>W</c> (4×8) and bias, an input <c>X</c>; <c>Q</c>, <c>R</c> computed from them.</summary>
    internal sealed record Layer(Goldilocks[] Weights, Goldilocks[] Bias, Goldilocks[] Input)
    {
        public (Goldilocks[] Q, Goldilocks[] R) Output()
        {
            var q = new Goldilocks[1 << RowVariables];
            var r = new Goldilocks[1 << RowVariables];
            for (int o = 0; o < q.Length; o++)
            {
                Goldilocks y = Bias[o] + Half;
                for (int k = 0; k < 1 << ColumnVariables; k++)
                {
                    y += Weights[(o << ColumnVariables) + k] * Input[k];
                }

                // Y + h is a small non-negative integer in every test layer.
                ulong value = y.Value;
                q[o] = new Goldilocks(value >> Shift);
                r[o] = new Goldilocks(value & ((1UL << Shift) - 1));
            }

            return (q, r);
        }
    }

    private static Goldilocks[] Masks(SeededWordSource rng, bool zero) => zero ? new Goldilocks[16] : [.. rng.NextArray<Goldilocks>(2 * V), .. new Goldilocks[16 - (2 * V)]];

    /// <summary>The prover; <paramref name="zeroMasks"/> commits zero mask coefficients (the claims are then the plain evaluations: the control of the χ² test).</summary>
    internal static Run Prove(Layer layer, int seed, bool zeroMasks = false, Goldilocks[]? forgedQ = null)
    {
        var rng = new SeededWordSource(seed);
        (Goldilocks[] q, Goldilocks[] r) = layer.Output();
        q = forgedQ ?? q;
        Goldilocks[] weights = WeightLayout.Assemble([layer.Weights, layer.Bias, Masks(rng, zeroMasks), Masks(rng, zeroMasks), rng.NextArray<Goldilocks>(2)])[0];
        Goldilocks[] witness = WitnessLayout.Assemble([layer.Input, q, r, Masks(rng, zeroMasks), Masks(rng, zeroMasks), Masks(rng, zeroMasks), rng.NextArray<Goldilocks>(2)])[0];
        LigeroProverState weightState = LigeroProver.Commit(weights, Hiding, new SeededSaltSource(seed + 1));
        LigeroProverState witnessState = LigeroProver.Commit(witness, Hiding, new SeededSaltSource(seed + 2));
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("test/weights", weightState.Commitment.Root);
        transcript.AbsorbDigest("test/witness", witnessState.Commitment.Root);
        var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(Hiding, 10, new SeededSaltSource(seed + 3)));
        E[] z = transcript.Challenges<E>("test/z", RowVariables);

        // The zero-check's tables over (o, k), o the high bits: eq(z, o), W, X and the row vectors replicated.
        E[] eq = EqPolynomial.Table<E>(z);
        E[] Rows(Goldilocks[] row) => Enumerable.Range(0, 1 << V).Select(i => E.FromBase(row[i >> ColumnVariables])).ToArray();
        E[][] tables =
        [
            Enumerable.Range(0, 1 << V).Select(i => eq[i >> ColumnVariables]).ToArray(),
            Array.ConvertAll(layer.Weights, E.FromBase),
            Enumerable.Range(0, 1 << V).Select(i => E.FromBase(layer.Input[i & ((1 << ColumnVariables) - 1)])).ToArray(),
            Rows(layer.Bias), Rows(q), Rows(r),
        ];
        E[] Coefficients(Goldilocks[] table, SegmentLayout layout, int segment) => MaskedExtension.Read<E>(table.AsSpan(layout.OffsetOf(segment)), V);
        E[]?[] masks = [null, Coefficients(weights, WeightLayout, MaskW), Coefficients(witness, WitnessLayout, MaskX), Coefficients(weights, WeightLayout, MaskBias), Coefficients(witness, WitnessLayout, MaskQ), Coefficients(witness, WitnessLayout, MaskR)];
        SumcheckProverOutput<E> output = SumcheckProver.ProveMaskedProducts(transcript, -E.FromBase(Half), tables, masks, Terms(), builder.Masks!);
        builder.AddSumcheck(output.Proof);
        (List<SegmentClaim<E>> weightClaims, List<SegmentClaim<E>> witnessClaims) = Claims(output.Point.ToArray(), output.Proof.FactorEvaluations);
        LigeroOpeningProof<E>[] weightOpenings = ClaimBatcher.Prove(transcript, builder, WeightLayout, [weights], [weightState], weightClaims);
        LigeroOpeningProof<E>[] witnessOpenings = ClaimBatcher.Prove(transcript, builder, WitnessLayout, [witness], [witnessState], witnessClaims);
        return new Run(weightState.Commitment, witnessState.Commitment, [.. builder.Sumchecks], [.. builder.Values], weightOpenings, witnessOpenings, builder.Masks!.Chunks, builder.Masks.Open(transcript));
    }

    /// <summary>The terms: <c>eq·W·X</c>, and <c>2^(−v_k)·eq·(b − 2^s·Q − R)</c>.</summary>
    private static SumcheckTerm<E>[] Terms()
    {
        E scale = E.Invert(E.FromBase(new Goldilocks(1UL << ColumnVariables)));
        return [new(E.One, [0, 1, 2]), new(scale, [0, 3]), new(-(scale * E.FromBase(new Goldilocks(1UL << Shift))), [0, 4]), new(-scale, [0, 5])];
    }

    /// <summary>The masked claims of the zero-check's point <c>(r_o, r_k)</c>, each on its segment's own coordinates with the mask at the whole point.</summary>
    private static (List<SegmentClaim<E>> Weights, List<SegmentClaim<E>> Witness) Claims(E[] point, ReadOnlySpan<E> values)
    {
        E[] rows = point[..RowVariables], columns = point[RowVariables..];
        return (
            [new(W, point, values[1], MaskW), new(Bias, rows, values[3], MaskBias, point)],
            [new(X, columns, values[2], MaskX, point), new(Q, rows, values[4], MaskQ, point), new(R, rows, values[5], MaskR, point)]);
    }

    /// <summary>The verifier: <c>"accepted"</c> or the first failed check.</summary>
    internal static string Verify(Run run)
    {
        var transcript = new Transcript(Protocol);
        transcript.AbsorbDigest("test/weights", run.Weights.Root);
        transcript.AbsorbDigest("test/witness", run.Witness.Root);
        var masks = new SumcheckMaskVerifier<E>(Hiding, run.Chunks);
        var cursor = new ProofCursor<E>(run.Sumchecks, run.Values, masks);
        E[] z = transcript.Challenges<E>("test/z", RowVariables);
        if (!cursor.TryNextSumcheck(out SumcheckProof<E>? proof))
        {
            return "format";
        }

        SumcheckVerification<E> result = SumcheckVerifier.Verify(transcript, -E.FromBase(Half), V, [false, true, true, true, true, true], Terms(), proof, masks);
        if (!result.IsValid)
        {
            return "zero-check " + result.Failure;
        }

        E[] point = result.Point.ToArray();
        if (result.FactorEvaluations[0] != EqPolynomial.Evaluate<E>(z, point.AsSpan(0, RowVariables)))
        {
            return "eq";
        }

        (List<SegmentClaim<E>> weightClaims, List<SegmentClaim<E>> witnessClaims) = Claims(point, result.FactorEvaluations);
        try
        {
            ClaimBatcher.Verify(transcript, cursor, WeightLayout, [run.Weights], Hiding, weightClaims, run.WeightOpenings, "weights");
            ClaimBatcher.Verify(transcript, cursor, WitnessLayout, [run.Witness], Hiding, witnessClaims, run.WitnessOpenings, "witness");
        }
        catch (ProofRejectedException rejection)
        {
            return rejection.Verdict.ToString();
        }

        return !cursor.IsExhausted ? "surplus" : masks.Finish(transcript, run.PoolOpenings) ? "accepted" : "pool";
    }

    private static Layer RandomLayer(int seed)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks Small(int bound) => new((ulong)rng.NextInt(bound));
        return new Layer(
            Enumerable.Range(0, 1 << V).Select(_ => Small(128)).ToArray(),
            Enumerable.Range(0, 1 << RowVariables).Select(_ => Small(1000)).ToArray(),
            Enumerable.Range(0, 1 << ColumnVariables).Select(_ => Small(256)).ToArray());
    }

    [Fact]
    public void HonestLayersAreAcceptedAndWrongOutputsRefused()
    {
        Layer layer = RandomLayer(9000);
        Assert.Equal("accepted", Verify(Prove(layer, 9001)));

        // A prover with a wrong Q (one output off by one) proves the same claimed sum −h: the zero-check fails.
        Goldilocks[] q = layer.Output().Q;
        q[2] += Goldilocks.One;
        Assert.StartsWith("zero-check", Verify(Prove(layer, 9002, forgedQ: q)));
    }

    [Fact]
    public void TamperedZeroKnowledgeDenseProofsAreRejected()
    {
        Run run = Prove(RandomLayer(9100), 9101);
        SumcheckProof<E> zeroCheck = run.Sumchecks[0];
        SumcheckProof<E> With(int factor) => new(
            Enumerable.Range(0, zeroCheck.RoundCount).Select(i => zeroCheck.GetRoundPolynomial(i).ToArray()).ToArray(),
            zeroCheck.FactorEvaluations.ToArray().Select((e, k) => k == factor ? e + E.One : e).ToArray(), zeroCheck.MaskSum, zeroCheck.MaskValue);
        for (int factor = 0; factor < 6; factor++)
        {
            Assert.NotEqual("accepted", Verify(run with { Sumchecks = [With(factor), .. run.Sumchecks[1..]] }));
        }

        Assert.NotEqual("accepted", Verify(run with { WeightOpenings = run.WitnessOpenings }));
        Assert.NotEqual("accepted", Verify(run with { Witness = run.Weights }));
        Assert.NotEqual("accepted", Verify(run with { Sumchecks = run.Sumchecks[..2] }));
    }

    [Fact]
    public void SimulatedZeroChecksNeedNeitherTheWeightsNorTheWitness()
    {
        // The zero-check's simulator: given the statement (the claimed sum −h, the terms, which tables are masked) and programmed
        // challenges (z, ρ, r), it draws the five masked claims uniformly, computes the public eq(z, r_o), and simulates the rounds; the
        // verifier's checks accept. (Each claim's batched opening is simulated as in MaskedClaimBatcherTests.)
        var rng = new SeededWordSource(9300);
        E[] z = rng.NextArray<E>(RowVariables);
        E weight = rng.Next<E>();
        E[] point = rng.NextArray<E>(V);
        E[] evaluations = [EqPolynomial.Evaluate<E>(z, point.AsSpan(0, RowVariables)), .. rng.NextArray<E>(5)];
        int degree = SumcheckVerifier.MaskedProductDegree([false, true, true, true, true, true], Terms());
        SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(-E.FromBase(Half), V, degree, weight, point, evaluations, SumcheckTerm<E>.Evaluate(Terms(), evaluations), rng);
        Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(-E.FromBase(Half), proof, weight, point, Terms()).Failure);
        Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(E.Zero, proof, weight, point, Terms()).Failure);
        Assert.Equal(8, proof.GetRoundPolynomial(0).Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfTwoWeightSetsWithOneOutputIsIndistinguishableOnlyWithMasks(bool masked)
    {
        // Two weight sets, constant 3 and constant p/2 (so an unmasked claim W̃(r) is that constant at every point), with an input
        // summing to zero (1, −1, 0, …): both give Y = b, hence the same Q and R. Revealed: every sumcheck's rounds, G, g(r) and
        // factor evaluations (the claims), and every opening's rows and columns. Control: the same protocol with zero masks.
        const int Proofs = 150;
        Goldilocks[] input = [Goldilocks.One, new(Goldilocks.Modulus - 1), .. new Goldilocks[(1 << ColumnVariables) - 2]];
        Goldilocks[] bias = [new(17), new(250), new(3), new(999)];
        Layer first = new(Enumerable.Repeat(new Goldilocks(3), 1 << V).ToArray(), bias, input);
        Layer second = new(Enumerable.Repeat(new Goldilocks(Goldilocks.Modulus / 2), 1 << V).ToArray(), bias, input);
        Assert.Equal(first.Output().Q, second.Output().Q);
        Assert.Equal(first.Output().R, second.Output().R);
        var test = new TwoSampleChiSquare();
        var claims = new TwoSampleChiSquare(); // the sumchecks' factor evaluations alone, so that the openings' columns do not dilute them
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((Layer layer, bool isFirst) in new[] { (first, true), (second, false) })
            {
                Run run = Prove(layer, 30_000 + (10 * p) + (isFirst ? 0 : 5), zeroMasks: !masked);
                Assert.Equal("accepted", Verify(run));
                foreach (SumcheckProof<E> proof in run.Sumchecks)
                {
                    foreach (E value in Enumerable.Range(0, proof.RoundCount).SelectMany(i => proof.GetRoundPolynomial(i).ToArray()).Concat([proof.MaskSum, proof.MaskValue, .. proof.FactorEvaluations.ToArray()]))
                    {
                        test.Add(isFirst, value);
                    }

                    foreach (E value in proof.FactorEvaluations)
                    {
                        claims.Add(isFirst, value);
                    }
                }

                foreach (LigeroOpeningProof<E> opening in run.WeightOpenings.Concat(run.WitnessOpenings).Concat(run.PoolOpenings))
                {
                    foreach (E value in opening.ProximityRow.ToArray().Concat(opening.EvaluationRow.ToArray()))
                    {
                        test.Add(isFirst, value);
                    }

                    foreach (Goldilocks value in opening.Columns)
                    {
                        if (isFirst)
                        {
                            test.AddFirst(value);
                        }
                        else
                        {
                            test.AddSecond(value);
                        }
                    }
                }
            }
        }

        Assert.True(masked != claims.Distinguishes, $"χ² = {claims.Statistic():F1} over {claims.Counts} claimed values");
        Assert.False(masked && test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }
}
