using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Lookups;

public sealed class LogUpTests
{
    private const int TableBits = 8;

    private static (Goldilocks[] Values, ulong Scale)[] Columns(int seed, params (int LogSize, ulong Scale)[] shapes)
    {
        var random = new Random(seed);
        return shapes.Select(s => (Enumerable.Range(0, 1 << s.LogSize).Select(_ => new Goldilocks((ulong)random.Next((int)(256 / s.Scale)))).ToArray(), s.Scale)).ToArray();
    }

    private static Transcript Bound((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[] multiplicities)
    {
        var transcript = new Transcript("logup-test");
        foreach ((Goldilocks[] values, _) in columns)
        {
            transcript.Absorb<Goldilocks>("column", values);
        }

        transcript.Absorb<Goldilocks>("multiplicities", multiplicities);
        return transcript;
    }

    private static (ProofBuilder<GoldilocksExt2> Builder, LogUpClaims<GoldilocksExt2> Claims) Prove((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[] multiplicities)
    {
        var builder = new ProofBuilder<GoldilocksExt2>();
        LogUpClaims<GoldilocksExt2> claims = LogUpArgument.Prove(Bound(columns, multiplicities), builder, columns, multiplicities, TableBits);
        return (builder, claims);
    }

    private static LogUpClaims<GoldilocksExt2>? Verify((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[] multiplicities, ProofBuilder<GoldilocksExt2> builder)
    {
        LookupColumnSpec[] specs = columns.Select(c => new LookupColumnSpec(System.Numerics.BitOperations.Log2((uint)c.Values.Length), c.Scale)).ToArray();
        return LogUpArgument.Verify(Bound(columns, multiplicities), new ProofCursor<GoldilocksExt2>(builder.Sumchecks, builder.Values), specs, TableBits);
    }

    /// <summary>Full check: the argument accepts and its residual claims match the actual columns and multiplicities.</summary>
    private static bool Accepts((Goldilocks[] Values, ulong Scale)[] columns, Goldilocks[] multiplicities, ProofBuilder<GoldilocksExt2> builder)
    {
        LogUpClaims<GoldilocksExt2>? claims = Verify(columns, multiplicities, builder);
        if (claims is null)
        {
            return false;
        }

        for (int j = 0; j < columns.Length; j++)
        {
            if (MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(columns[j].Values, claims.ColumnPoints[j]) != claims.ColumnValues[j])
            {
                return false;
            }
        }

        return MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(multiplicities, claims.MultiplicityPoint) == claims.MultiplicityValue;
    }

    [Theory]
    [InlineData(1, 0, 1UL)]
    [InlineData(2, 3, 1UL)]
    [InlineData(3, 10, 2UL)]
    [InlineData(4, 5, 128UL)]
    public void ValidLookupsAreAccepted(int seed, int logSize, ulong scale)
    {
        (Goldilocks[] Values, ulong Scale)[] columns = Columns(seed, (logSize, 1UL), (logSize + 1, scale), (2, 1UL), (9, 1UL));
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        (ProofBuilder<GoldilocksExt2> builder, _) = Prove(columns, multiplicities);
        Assert.True(Accepts(columns, multiplicities, builder));
    }

    [Fact]
    public void KnownAnswerAllTableValuesOnceAndEdges()
    {
        Goldilocks[] all = Enumerable.Range(0, 256).Select(i => new Goldilocks((ulong)i)).ToArray();
        (Goldilocks[] Values, ulong Scale)[] columns = [(all, 1UL), ([new Goldilocks(0), new Goldilocks(255)], 1UL), ([new Goldilocks(127), new Goldilocks(0)], 2UL)];
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        Assert.Equal(3UL, multiplicities[0].Value);
        Assert.Equal(2UL, multiplicities[255].Value);
        Assert.Equal(2UL, multiplicities[254].Value);
        Assert.Equal(1UL, multiplicities[1].Value);
        (ProofBuilder<GoldilocksExt2> builder, _) = Prove(columns, multiplicities);
        Assert.True(Accepts(columns, multiplicities, builder));
    }

    [Theory]
    [InlineData(256UL, 1UL)]
    [InlineData(128UL, 2UL)]
    [InlineData(2UL, 128UL)]
    [InlineData(Goldilocks.Modulus - 1, 1UL)]
    public void OutOfRangeValueIsRejected(ulong bad, ulong scale)
    {
        (Goldilocks[] Values, ulong Scale)[] columns = Columns(20, (4, 1UL), (3, scale));
        columns[1].Values[5] = new Goldilocks(bad);
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        (ProofBuilder<GoldilocksExt2> builder, _) = Prove(columns, multiplicities);
        Assert.False(Accepts(columns, multiplicities, builder));

        // Declaring the bad value as a multiplicity of some table entry does not help either.
        for (int t = 0; t < 256; t += 51)
        {
            Goldilocks[] patched = (Goldilocks[])multiplicities.Clone();
            patched[t] += Goldilocks.One;
            (ProofBuilder<GoldilocksExt2> patchedBuilder, _) = Prove(columns, patched);
            Assert.False(Accepts(columns, patched, patchedBuilder));
        }
    }

    [Fact]
    public void TamperedProofsAreRejected()
    {
        (Goldilocks[] Values, ulong Scale)[] columns = Columns(30, (5, 1UL), (3, 2UL));
        Goldilocks[] multiplicities = LogUpArgument.Multiplicities(columns, TableBits);
        (ProofBuilder<GoldilocksExt2> builder, _) = Prove(columns, multiplicities);
        Assert.True(Accepts(columns, multiplicities, builder));
        for (int i = 0; i < builder.Values.Count; i++)
        {
            GoldilocksExt2 saved = builder.Values[i];
            builder.Values[i] = saved + GoldilocksExt2.One;
            Assert.False(Accepts(columns, multiplicities, builder));
            builder.Values[i] = saved;
        }

        for (int i = 0; i < builder.Sumchecks.Count; i++)
        {
            SumcheckProof<GoldilocksExt2> saved = builder.Sumchecks[i];
            GoldilocksExt2[] evaluations = saved.FactorEvaluations.ToArray();
            evaluations[i % 4] += GoldilocksExt2.One;
            var rounds = Enumerable.Range(0, saved.RoundCount).Select(r => saved.GetRoundPolynomial(r).ToArray()).ToList();
            builder.Sumchecks[i] = new SumcheckProof<GoldilocksExt2>(rounds, evaluations);
            Assert.False(Accepts(columns, multiplicities, builder));
            builder.Sumchecks[i] = saved;
        }

        builder.Sumchecks.RemoveAt(builder.Sumchecks.Count - 1);
        Assert.False(Accepts(columns, multiplicities, builder));
    }

    [Fact]
    public void SoundnessBitsFollowTheFormula()
    {
        double bits = LogUpArgument.SoundnessBits(1L << 20, 8, 21, GoldilocksExt2.Log2Size);
        Assert.Equal(GoldilocksExt2.Log2Size - Math.Log2((1 << 20) + 256 + (1.5 * 21 * 21) + 42), bits, 9);
        Assert.True(bits > 107);
        Assert.True(LogUpArgument.SoundnessBits(1L << 24, 24, 26, GoldilocksExt2.Log2Size) >= 100);
    }
}
