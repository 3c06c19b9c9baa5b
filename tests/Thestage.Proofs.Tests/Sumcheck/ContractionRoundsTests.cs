using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Sumcheck;

/// <summary>
/// The structured zero-check prover (<see cref="SumcheckProver.ProveMaskedContraction{T}"/>, <see cref="ContractionRounds{T}"/>), which
/// works on each factor's own table and contracts the terms, against a naive prover written here: every table replicated to all
/// <c>2^v</c> points, every round value <c>g(t)</c> summed directly at <c>t = 0 … D</c> (no interpolation), the last round masked. Both run
/// from the same transcript and the same masking pool; the proofs (rounds, factor evaluations, mask sum and value), the points and the
/// transcripts' next challenge must be equal — for random factor patterns, for the patterns of the layouts (Dense with a ReLU-read
/// input at a batch, Conv2d, gathers), and for every zero-check of the <c>TSIP</c> v3 layouts of the test models.
/// </summary>
public sealed class ContractionRoundsTests
{
    private const string Protocol = "contraction-rounds-test";

    [FsCheck.Xunit.Property(MaxTest = 80)]
    public bool RandomFactorPatternsGiveTheReplicatedProversProof(int seed)
    {
        var rng = new SeededWordSource(seed);
        int v = 1 + rng.NextInt(7);
        int factors = 1 + rng.NextInt(5);
        var variables = new int[factors][];
        for (int k = 0; k < factors; k++)
        {
            // A random subset of the variables in a random order (possibly empty, possibly all).
            variables[k] = [.. Enumerable.Range(0, v).Where(_ => rng.NextInt(3) > 0).OrderBy(_ => rng.NextInt(1000))];
        }

        var terms = new List<SumcheckTerm<E>>();
        for (int t = 1 + rng.NextInt(4); t > 0; t--)
        {
            int[] members = [.. Enumerable.Range(0, factors).Where(_ => rng.NextInt(2) == 0)];
            terms.Add(new SumcheckTerm<E>(rng.Next<E>(), members.Length > 0 ? members : [rng.NextInt(factors)]));
        }

        bool[] masked = [.. Enumerable.Range(0, factors).Select(_ => rng.NextInt(2) == 0)];
        masked[rng.NextInt(factors)] = true;
        return SameProof(v, variables, masked, [.. terms], seed);
    }

    [FsCheck.Xunit.Property(MaxTest = 40)]
    public bool LayoutPatternsGiveTheReplicatedProversProof(int seed)
    {
        // Dense over (o, k, b) with a committed or ReLU-read input, Conv2d over (o, k, s, b), and a gather over (f, b); any dimension may be 0.
        var rng = new SeededWordSource(seed);
        int o = rng.NextInt(3), k = rng.NextInt(4), s = rng.NextInt(3), b = rng.NextInt(3);
        int kind = Math.Abs(seed % 3);
        int[] R(int start, int length) => [.. Enumerable.Range(start, length)];
        int[][] variables;
        int[][] termFactors;
        int v;
        switch (kind)
        {
            case 0:
                // eq(o, b), W(o, k), l0(k, b), l1(k, b), e(k, b), bias(o), valid(b), q(o, b), r(o, b).
                v = o + k + b;
                int[] eq = [.. R(0, o), .. R(o + k, b)], w = [.. R(0, o), .. R(o, k)], x = [.. R(o, k), .. R(o + k, b)];
                variables = [eq, w, x, x, x, R(0, o), R(o + k, b), eq, eq];
                termFactors = [[0, 1, 2, 4], [0, 1, 3, 4], [0, 1], [0, 5, 6], [0, 7], [0, 8]];
                break;
            case 1:
                // eq(o, s, b), W(o, k), G(k, s, b), bias(o), valid(s, b), q(o, s, b), r(o, s, b).
                v = o + k + s + b;
                int[] out1 = [.. R(0, o), .. R(o + k, s + b)];
                variables = [out1, [.. R(0, o), .. R(o, k)], R(o, k + s + b), R(0, o), R(o + k, s + b), out1, out1];
                termFactors = [[0, 1, 2], [0, 3, 4], [0, 5], [0, 6]];
                break;
            default:
                // Sel(i, b), X(i, b) over the first i of f; eq(rows, b), G(rows, b) over the first rows of f.
                int i = k, rows = s + 1, f = Math.Max(i, rows);
                v = f + b;
                int[] inputs = [.. R(0, i), .. R(f, b)], rowVariables = [.. R(0, rows), .. R(f, b)];
                variables = [rowVariables, inputs, inputs, rowVariables];
                termFactors = [[1, 2], [0, 3], [0]];
                break;
        }

        if (v == 0)
        {
            return true;
        }

        SumcheckTerm<E>[] terms = [.. termFactors.Select(t => new SumcheckTerm<E>(rng.Next<E>(), t))];
        bool[] masked = [.. variables.Select((_, j) => j > 0 && rng.NextInt(3) > 0)];
        masked[^1] = true;
        return SameProof(v, variables, masked, terms, seed);
    }

    [Theory]
    [InlineData("mlp-16-8-4")]
    [InlineData("mlp-10-6-4-batch-3")]
    [InlineData("mlp-12-8-8-4-batch-2")]
    [InlineData("square-relu-batch-3")]
    [InlineData("cnn-avg-batch-3")]
    [InlineData("cnn-max-batch-2")]
    [InlineData("cnn-max-3x3")]
    public void EveryZeroCheckOfTheLayoutsGivesTheReplicatedProversProof(string name)
    {
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model(name);
        ZeroKnowledgeLayout layout = model.Commitment.Plan(inputs.Count).ZeroKnowledge!;
        int seed = 9100;
        foreach (ZeroCheck check in layout.Checks)
        {
            var rng = new SeededWordSource(seed);
            SumcheckTerm<E>[] terms = check.TermsAt(check.Window > 0 ? rng.NextArray<E>(2 * check.Window) : []);
            bool[] masked = check.MaskedWith(hiddenWeights: seed % 2 == 0);
            Assert.True(SameProof(check.NumVariables, Array.ConvertAll(check.Factors, f => f.Variables), masked, terms, seed++), $"layer {check.Layer}");
        }
    }

    /// <summary>Random own tables and masks; the structured and the naive prover from equal transcripts and pools give equal proofs.</summary>
    private static bool SameProof(int v, int[][] variables, bool[] masked, SumcheckTerm<E>[] terms, int seed)
    {
        var rng = new SeededWordSource(seed ^ 0x5eed);
        // Half the tables in the base field (weights, limbs: the contraction multiplies those as base elements), half mixed.
        E[][] own = [.. variables.Select(vars => (Vars: vars, Base: rng.NextInt(2) == 0))
            .Select(t => Enumerable.Range(0, 1 << t.Vars.Length).Select(_ => t.Base || rng.NextInt(2) == 0 ? E.FromBase(rng.Next<Goldilocks>()) : rng.Next<E>()).ToArray())];
        E[]?[] masks = [.. masked.Select(m => m ? rng.NextArray<E>(MaskedExtension.Coefficients(v)) : null)];
        E sum = rng.Next<E>();
        E[][] replicated = [.. own.Select((table, k) => Replicate(table, variables[k], v))];

        var structuredTranscript = new Transcript(Protocol);
        var naiveTranscript = new Transcript(Protocol);
        var structuredPool = new SumcheckMaskPool<E>(LigeroParameters.DefaultHiding, 12, new SeededSaltSource(seed));
        var naivePool = new SumcheckMaskPool<E>(LigeroParameters.DefaultHiding, 12, new SeededSaltSource(seed));
        SumcheckProverOutput<E> structured = SumcheckProver.ProveMaskedContraction(
            structuredTranscript, sum, v, [.. own.Select(t => (E[])t.Clone())], variables, masks, terms, structuredPool);
        (SumcheckProof<E> proof, E[] point) = NaiveProve(naiveTranscript, sum, v, replicated, masks, terms, naivePool);
        return structured.Proof.RoundCount == proof.RoundCount
            && Enumerable.Range(0, v).All(i => structured.Proof.GetRoundPolynomial(i).SequenceEqual(proof.GetRoundPolynomial(i)))
            && structured.Proof.FactorEvaluations.SequenceEqual(proof.FactorEvaluations)
            && structured.Proof.MaskSum == proof.MaskSum && structured.Proof.MaskValue == proof.MaskValue
            && structured.Point.SequenceEqual(point)
            && structuredTranscript.Challenge<E>("next") == naiveTranscript.Challenge<E>("next");
    }

    /// <summary><c>T[x] = own[x restricted to the variables, in their order]</c> over all <c>2^v</c> points (variable 0 the most significant bit).</summary>
    private static E[] Replicate(E[] own, int[] variables, int v)
    {
        var table = new E[1 << v];
        for (int x = 0; x < table.Length; x++)
        {
            int index = 0;
            foreach (int variable in variables)
            {
                index = (index << 1) | ((x >> (v - 1 - variable)) & 1);
            }

            table[x] = own[index];
        }

        return table;
    }

    /// <summary>The replicated prover, written out: the statement as the verifier absorbs it, then each round's values summed directly.</summary>
    private static (SumcheckProof<E> Proof, E[] Point) NaiveProve(Transcript transcript, E sum, int v, E[][] tables, E[]?[] masks, SumcheckTerm<E>[] terms, SumcheckMaskPool<E> pool)
    {
        bool[] masked = Array.ConvertAll(masks, m => m is not null);
        int degree = SumcheckVerifier.MaskedProductDegree(masked, terms);
        SumcheckMask<E> mask = pool.Take(transcript, v, degree);
        transcript.AbsorbUInt64(SumcheckLabels.NumVariables, (ulong)v);
        transcript.AbsorbUInt64(SumcheckLabels.Degree, (ulong)degree);
        SumcheckVerifier.AbsorbMaskedFactors(transcript, masked);
        SumcheckTerm<E>.Absorb(transcript, terms);
        transcript.Absorb(SumcheckLabels.ClaimedSum, sum);
        transcript.Absorb(SumcheckLabels.MaskSum, mask.Sum);
        mask.Weight = transcript.Challenge<E>(SumcheckLabels.MaskWeight);
        var rounds = new E[v][];
        var point = new E[v];
        var gamma = new E[tables.Length];
        var at = new E[tables.Length];
        for (int round = 0; round < v; round++)
        {
            bool last = round == v - 1;
            if (last)
            {
                for (int k = 0; k < tables.Length; k++)
                {
                    gamma[k] = masks[k] is { } c ? MaskedExtension.Coefficient<E>(c, point.AsSpan(0, round)) : E.Zero;
                }
            }

            int half = 1 << (v - round - 1);
            var values = new E[degree + 1];
            for (int t = 0; t <= degree; t++)
            {
                E x = E.FromUInt64((ulong)t);
                for (int i = 0; i < half; i++)
                {
                    for (int k = 0; k < tables.Length; k++)
                    {
                        at[k] = tables[k][i] + (x * (tables[k][i + half] - tables[k][i])) + (last ? gamma[k] * x * (E.One - x) : E.Zero);
                    }

                    values[t] += SumcheckTerm<E>.Evaluate(terms, at);
                }
            }

            mask.AddRound(values, round);
            rounds[round] = values;
            transcript.Absorb<E>(SumcheckLabels.Round, values);
            E r = transcript.Challenge<E>(SumcheckLabels.Challenge);
            point[round] = r;
            mask.Bind(round, r);
            foreach (E[] table in tables)
            {
                for (int i = 0; i < half; i++)
                {
                    table[i] += r * (table[i + half] - table[i]);
                }
            }
        }

        E rv = point[v - 1];
        E[] evaluations = [.. tables.Select((t, k) => t[0] + (rv * (E.One - rv) * gamma[k]))];
        transcript.Absorb<E>(SumcheckLabels.FactorEvaluations, evaluations);
        SumcheckMaskPool<E>.Finish(transcript, mask, point, degree);
        return (new SumcheckProof<E>(rounds, evaluations, mask.Sum, mask.Value), point);
    }
}
