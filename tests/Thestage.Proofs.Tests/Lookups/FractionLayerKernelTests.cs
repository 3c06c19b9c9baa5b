using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Lookups;

/// <summary>
/// <see cref="FractionLayerKernel"/> against its definitions at every width, and the layer sums against the direct sum of
/// <c>eq(z, x)·h(x)</c> over the folded equality table that the split-off form replaces. CI reruns this class with AVX-512
/// and with all hardware intrinsics switched off.
/// </summary>
public sealed class FractionLayerKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(14)]
    public void SplitAndParentMatchTheDefinition(int logSize)
    {
        var words = new SeededWordSource(1000 + logSize);
        E[] p = words.NextArray<E>(1 << logSize), q = words.NextArray<E>(1 << logSize);
        int half = p.Length / 2;
        E[] pl = new E[half], pr = new E[half], ql = new E[half], qr = new E[half];
        FractionLayerKernel.Split(p, pl, pr);
        FractionLayerKernel.Split(q, ql, qr);
        for (int i = 0; i < half; i++)
        {
            Assert.Equal((p[2 * i], p[(2 * i) + 1], q[2 * i], q[(2 * i) + 1]), (pl[i], pr[i], ql[i], qr[i]));
        }

        if (half < 2)
        {
            return;
        }

        (E[] Even, E[] Odd) parentP = (new E[half / 2], new E[half / 2]), parentQ = (new E[half / 2], new E[half / 2]);
        FractionLayerKernel.Parent(pl, pr, ql, qr, half / 2, parentP, parentQ);
        for (int i = 0; i < half; i++)
        {
            E expectedP = (pl[i] * qr[i]) + (pr[i] * ql[i]);
            E expectedQ = ql[i] * qr[i];
            Assert.Equal(expectedP, i % 2 == 0 ? parentP.Even[i / 2] : parentP.Odd[i / 2]);
            Assert.Equal(expectedQ, i % 2 == 0 ? parentQ.Even[i / 2] : parentQ.Odd[i / 2]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(14)]
    public void RoundSumsEqualTheDirectSumOverTheFoldedEqualityTable(int k)
    {
        var words = new SeededWordSource(1100 + k);
        E[][] tables = Enumerable.Range(0, 4).Select(_ => words.NextArray<E>(1 << k)).ToArray();
        E[] z = words.NextArray<E>(k);
        E lambda = words.Next<E>();
        E[] eq = EqPolynomial.Table<E>(z);
        E[][] direct = tables.Select(t => (E[])t.Clone()).Append(eq).ToArray();
        E scale = E.One, r = E.Zero;
        for (int round = 0; round < k; round++)
        {
            int half = (1 << k) >> (round + 1);
            E[] suffix = EqPolynomial.Table<E>(z.AsSpan(round + 1));
            (E h0, E h1, E h2) = FractionLayerKernel.Round(tables, suffix, round == 0 ? half : 2 * half, r, round > 0, lambda);
            E[] h = [h0, h1, h2, h0 + (E.FromUInt64(3) * (h2 - h1))];
            if (round > 0)
            {
                foreach (E[] table in direct)
                {
                    MultilinearPolynomial<E>.FoldInPlace(table.AsSpan(0, 4 * half), r);
                }
            }

            for (int t = 0; t < 4; t++)
            {
                E point = E.FromUInt64((ulong)t), expected = E.Zero;
                for (int i = 0; i < half; i++)
                {
                    E At(E[] table) => table[i] + (point * (table[i + half] - table[i]));
                    expected += At(direct[4]) * ((At(direct[0]) * At(direct[3])) + (At(direct[1]) * At(direct[2])) + (lambda * At(direct[2]) * At(direct[3])));
                }

                Assert.Equal(expected, scale * EqPolynomial.Evaluate<E>([z[round]], [point]) * h[t]);
            }

            r = words.Next<E>();
            scale *= EqPolynomial.Evaluate<E>([z[round]], [r]);
        }
    }

    [Fact]
    public void EveryWidthMatchesTheScalarLoopOnEveryRange()
    {
        var words = new SeededWordSource(1200);
        E[][] tables = Enumerable.Range(0, 4).Select(_ => words.NextArray<E>(256)).ToArray();
        E[] e = words.NextArray<E>(128);
        E r = words.Next<E>(), lambda = words.Next<E>();
        foreach (bool fold in (bool[])[false, true])
        {
            int pairs = fold ? 64 : 128;
            for (int start = 0; start < 6; start++)
            {
                for (int end = start; end <= pairs; end += 5)
                {
                    E[][] scalar = tables.Select(t => (E[])t.Clone()).ToArray();
                    var expected = new E[3];
                    FractionLayerKernel.RoundChunkScalar(scalar, e, 128, r, fold, lambda, start, end, expected);
                    Check<Vector512GoldilocksLanes, Vector512<ulong>>(Vector512GoldilocksLanes.IsSupported);
                    Check<Vector256GoldilocksLanes, Vector256<ulong>>(Vector256GoldilocksLanes.IsSupported);

                    void Check<TLanes, TV>(bool supported)
                        where TLanes : struct, IGoldilocksLanes<TV>
                        where TV : unmanaged
                    {
                        if (!supported)
                        {
                            return;
                        }

                        E[][] work = tables.Select(t => (E[])t.Clone()).ToArray();
                        var sums = new E[3];
                        int tail = FractionLayerKernel.RoundChunk<TLanes, TV>(work, e, 128, r, fold, lambda, start, end, sums);
                        FractionLayerKernel.RoundChunkScalar(work, e, 128, r, fold, lambda, tail, end, sums);
                        Assert.Equal(expected, sums);
                        for (int k = 0; k < 4; k++)
                        {
                            Assert.Equal(scalar[k], work[k]);
                        }

                        E[] pl = work[0], pr = work[1], ql = work[2], qr = work[3];
                        (E[] Even, E[] Odd) vectorP = (new E[64], new E[64]), vectorQ = (new E[64], new E[64]);
                        (E[] Even, E[] Odd) scalarP = (new E[64], new E[64]), scalarQ = (new E[64], new E[64]);
                        int parentTail = FractionLayerKernel.ParentChunk<TLanes, TV>(pl, pr, ql, qr, vectorP, vectorQ, start, Math.Min(end, 64));
                        FractionLayerKernel.ParentChunkScalar(pl, pr, ql, qr, vectorP, vectorQ, parentTail, Math.Min(end, 64));
                        FractionLayerKernel.ParentChunkScalar(pl, pr, ql, qr, scalarP, scalarQ, start, Math.Min(end, 64));
                        Assert.Equal(scalarP.Even, vectorP.Even);
                        Assert.Equal(scalarP.Odd, vectorP.Odd);
                        Assert.Equal(scalarQ.Even, vectorQ.Even);
                        Assert.Equal(scalarQ.Odd, vectorQ.Odd);
                    }
                }
            }
        }
    }
}
