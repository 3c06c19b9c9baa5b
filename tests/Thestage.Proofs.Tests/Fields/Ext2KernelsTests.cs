using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Fields;

/// <summary>
/// <see cref="Ext2Kernels"/>: the scalar loops against their definitions with <see cref="GoldilocksExt2"/>'s operators,
/// and every vector width against the scalar loop, for every length 0 … 67 (full vectors and every tail) and 2^12.
/// CI reruns this class with AVX-512 and with all hardware intrinsics switched off (then the dispatchers take the
/// narrower paths, which the same assertions check).
/// </summary>
public sealed class Ext2KernelsTests
{
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (int length in Enumerable.Range(0, 68).Append(4096))
        {
            data.Add(length);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void FoldMatchesTheDefinitionAtEveryWidth(int half)
    {
        var words = new SeededWordSource(300 + half);
        E[] table = words.NextArray<E>(2 * half);
        E r = words.Next<E>();
        E[] expected = (E[])table.Clone();
        for (int i = 0; i < half; i++)
        {
            expected[i] = table[i] + (r * (table[i + half] - table[i]));
        }

        AssertAllWidths(expected[..half], table, t => Ext2Kernels.Fold(t, r), t => Ext2Kernels.Fold<Vector512GoldilocksLanes, Vector512<ulong>>(t, r), t => Ext2Kernels.Fold<Vector256GoldilocksLanes, Vector256<ulong>>(t, r), half);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ExpandMatchesTheDefinitionAtEveryWidth(int size)
    {
        var words = new SeededWordSource(400 + size);
        E[] table = [.. words.NextArray<E>(size), .. new E[size]];
        E r = words.Next<E>();
        E[] expected = (E[])table.Clone();
        for (int i = 0; i < size; i++)
        {
            expected[i + size] = table[i] * r;
            expected[i] = table[i] * (E.One - r);
        }

        AssertAllWidths(expected, table, t => Ext2Kernels.Expand(t, size, r), t => Ext2Kernels.Expand<Vector512GoldilocksLanes, Vector512<ulong>>(t, size, r), t => Ext2Kernels.Expand<Vector256GoldilocksLanes, Vector256<ulong>>(t, size, r), 2 * size);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaledBaseMatchesTheDefinitionAtEveryWidth(int length)
    {
        var words = new SeededWordSource(500 + length);
        E[] accumulator = words.NextArray<E>(length);
        Goldilocks[] row = words.NextArray<Goldilocks>(length);
        E w = words.Next<E>();
        E[] expected = accumulator.Select((a, j) => a + (w * E.FromBase(row[j]))).ToArray();
        AssertAllWidths(expected, accumulator, t => Ext2Kernels.AddScaledBase(t, w, row), t => Ext2Kernels.AddScaledBase<Vector512GoldilocksLanes, Vector512<ulong>>(t, w, row), t => Ext2Kernels.AddScaledBase<Vector256GoldilocksLanes, Vector256<ulong>>(t, w, row), length);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddScaledMatchesTheDefinitionAtEveryWidth(int length)
    {
        var words = new SeededWordSource(600 + length);
        E[] accumulator = words.NextArray<E>(length);
        E[] x = words.NextArray<E>(length);
        E w = words.Next<E>();
        E[] expected = accumulator.Select((a, j) => a + (w * x[j])).ToArray();
        AssertAllWidths(expected, accumulator, t => Ext2Kernels.AddScaled(t, w, x), t => Ext2Kernels.AddScaled<Vector512GoldilocksLanes, Vector512<ulong>>(t, w, x), t => Ext2Kernels.AddScaled<Vector256GoldilocksLanes, Vector256<ulong>>(t, w, x), length);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void DotBaseMatchesTheDefinitionAtEveryWidth(int length)
    {
        var words = new SeededWordSource(700 + length);
        E[] w = words.NextArray<E>(length);
        Goldilocks[] x = words.NextArray<Goldilocks>(length);
        E expected = E.Zero;
        for (int i = 0; i < length; i++)
        {
            expected += w[i] * E.FromBase(x[i]);
        }

        Assert.Equal(expected, Ext2Kernels.DotBase(w, x));
        Assert.Equal(expected, Ext2Kernels.DotBaseScalar(w, x, 0));
        if (Vector512GoldilocksLanes.IsSupported)
        {
            Assert.Equal(expected, Ext2Kernels.DotBase<Vector512GoldilocksLanes, Vector512<ulong>>(w, x));
        }

        if (Vector256GoldilocksLanes.IsSupported)
        {
            Assert.Equal(expected, Ext2Kernels.DotBase<Vector256GoldilocksLanes, Vector256<ulong>>(w, x));
        }
    }

    /// <summary>Runs the dispatcher and each supported width on copies of <paramref name="input"/> and compares the first <paramref name="compared"/> elements.</summary>
    private static void AssertAllWidths(E[] expected, E[] input, Action<E[]> dispatch, Action<E[]> wide, Action<E[]> narrow, int compared)
    {
        var runs = new List<Action<E[]>> { dispatch };
        if (Vector512GoldilocksLanes.IsSupported)
        {
            runs.Add(wide);
        }

        if (Vector256GoldilocksLanes.IsSupported)
        {
            runs.Add(narrow);
        }

        foreach (Action<E[]> run in runs)
        {
            E[] work = (E[])input.Clone();
            run(work);
            Assert.Equal(expected[..compared], work[..compared]);
        }
    }
}
