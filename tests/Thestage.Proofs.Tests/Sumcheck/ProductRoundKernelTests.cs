using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Sumcheck;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Sumcheck;

/// <summary>
/// <see cref="ProductRoundKernel"/> against the definition of a sumcheck round (<c>g(t) = Σ_i Π_k (T_k[i] + t·(T_k[i+h] − T_k[i]))</c>)
/// and of the fold, for two and three factors, at every width, on ranges with every tail and on tables above the parallel
/// threshold. CI reruns this class with AVX-512 and with all hardware intrinsics switched off.
/// </summary>
public sealed class ProductRoundKernelTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int degree in (int[])[2, 3])
        {
            foreach (int logSize in (int[])[1, 2, 3, 4, 5, 6, 9, 14])
            {
                data.Add(degree, logSize);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void RoundValuesAndFusedFoldMatchTheDefinition(int degree, int logSize)
    {
        var words = new SeededWordSource(800 + (10 * logSize) + degree);
        E[][] tables = Enumerable.Range(0, degree).Select(_ => words.NextArray<E>(1 << logSize)).ToArray();
        E r = words.Next<E>();
        int half = tables[0].Length / 2;

        var values = new E[degree + 1];
        ProductRoundKernel.Evaluate(Copy(tables), half, values);
        Assert.Equal(Values(tables, half), values);

        if (half >= 2)
        {
            E[][] folded = Copy(tables);
            foreach (E[] table in folded)
            {
                for (int i = 0; i < half; i++)
                {
                    table[i] += r * (table[i + half] - table[i]);
                }
            }

            E[][] fused = Copy(tables);
            ProductRoundKernel.FoldAndEvaluate(fused, half, r, values);
            Assert.Equal(Values(folded, half / 2), values);
            for (int k = 0; k < degree; k++)
            {
                Assert.Equal(folded[k][..half], fused[k][..half]);
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void EveryWidthMatchesTheScalarLoopOnEveryRange(int degree)
    {
        var words = new SeededWordSource(900 + degree);
        E[][] tables = Enumerable.Range(0, degree).Select(_ => words.NextArray<E>(256)).ToArray();
        E r = words.Next<E>();
        foreach (bool fold in (bool[])[false, true])
        {
            int pairs = fold ? 64 : 128;
            for (int start = 0; start < 6; start++)
            {
                for (int end = start; end <= pairs; end += 5)
                {
                    E[][] scalar = Copy(tables);
                    var expected = new E[degree + 1];
                    ProductRoundKernel.ChunkScalar(scalar, 128, r, fold, start, end, expected);
                    if (Vector512GoldilocksLanes.IsSupported)
                    {
                        AssertWidth(expected, scalar, (t, v) => ProductRoundKernel.Chunk<Vector512GoldilocksLanes, Vector512<ulong>>(t, 128, r, fold, start, end, v));
                    }

                    if (Vector256GoldilocksLanes.IsSupported)
                    {
                        AssertWidth(expected, scalar, (t, v) => ProductRoundKernel.Chunk<Vector256GoldilocksLanes, Vector256<ulong>>(t, 128, r, fold, start, end, v));
                    }
                }
            }
        }

        void AssertWidth(E[] expected, E[][] expectedTables, Action<E[][], E[]> run)
        {
            E[][] work = Copy(tables);
            var values = new E[degree + 1];
            run(work, values);
            Assert.Equal(expected, values);
            for (int k = 0; k < degree; k++)
            {
                Assert.Equal(expectedTables[k], work[k]);
            }
        }
    }

    private static E[] Values(E[][] tables, int half)
    {
        var values = new E[tables.Length + 1];
        for (int t = 0; t < values.Length; t++)
        {
            E point = E.FromUInt64((ulong)t);
            for (int i = 0; i < half; i++)
            {
                E product = E.One;
                foreach (E[] table in tables)
                {
                    product *= table[i] + (point * (table[i + half] - table[i]));
                }

                values[t] += product;
            }
        }

        return values;
    }

    private static E[][] Copy(E[][] tables) => tables.Select(t => (E[])t.Clone()).ToArray();
}
