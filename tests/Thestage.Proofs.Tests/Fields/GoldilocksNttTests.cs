using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

public sealed class GoldilocksNttTests
{
    private static Goldilocks EvaluateNaive(ReadOnlySpan<Goldilocks> coefficients, Goldilocks x)
    {
        Goldilocks result = Goldilocks.Zero;
        for (int i = coefficients.Length - 1; i >= 0; i--)
        {
            result = (result * x) + coefficients[i];
        }

        return result;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(11)]
    public void ForwardMatchesNaiveEvaluation(int logN)
    {
        int n = 1 << logN;
        var rng = new SeededWordSource(300 + logN);
        Goldilocks[] coefficients = rng.NextArray<Goldilocks>(n);
        Goldilocks[] values = (Goldilocks[])coefficients.Clone();
        GoldilocksNtt.Forward(values);

        Goldilocks omega = Goldilocks.RootOfUnity(logN);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(EvaluateNaive(coefficients, Goldilocks.Pow(omega, (ulong)i)), values[i]);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(10)]
    public void InverseUndoesForward(int logN)
    {
        var rng = new SeededWordSource(400 + logN);
        Goldilocks[] original = rng.NextArray<Goldilocks>(1 << logN);
        Goldilocks[] values = (Goldilocks[])original.Clone();
        GoldilocksNtt.Forward(values);
        Assert.NotEqual(original, values);
        GoldilocksNtt.Inverse(values);
        Assert.Equal(original, values);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 2)]
    [InlineData(3, 0)]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(0, 0)]
    [InlineData(3, 1)]
    [InlineData(6, 4)]
    [InlineData(10, 2)]
    public void CosetLowDegreeExtensionEvaluatesTheInterpolantOnTheCoset(int logK, int logBlowup)
    {
        int k = 1 << logK, n = k << logBlowup;
        var rng = new SeededWordSource(500 + logK);
        Goldilocks[] coefficients = rng.NextArray<Goldilocks>(k);

        Goldilocks omegaK = Goldilocks.RootOfUnity(logK);
        var evaluations = new Goldilocks[k];
        for (int i = 0; i < k; i++)
        {
            evaluations[i] = EvaluateNaive(coefficients, Goldilocks.Pow(omegaK, (ulong)i));
        }

        var codeword = new Goldilocks[n];
        GoldilocksNtt.CosetLowDegreeExtension(evaluations, codeword);

        Goldilocks omegaN = Goldilocks.RootOfUnity(logK + logBlowup);
        for (int i = 0; i < n; i++)
        {
            Goldilocks point = GoldilocksNtt.CosetShift * Goldilocks.Pow(omegaN, (ulong)i);
            Assert.Equal(EvaluateNaive(coefficients, point), codeword[i]);
        }
    }

    [Fact]
    public void InverseUndoesForwardBeyondTheSharedTwiddleTable()
    {
        // 2^23 > 2^22 entries: the twiddles are computed stage by stage instead of read from the shared table.
        var rng = new SeededWordSource(450);
        Goldilocks[] original = rng.NextArray<Goldilocks>(1 << 23);
        Goldilocks[] values = (Goldilocks[])original.Clone();
        GoldilocksNtt.Forward(values);
        Assert.Equal(original.Aggregate(Goldilocks.Zero, (sum, x) => sum + x), values[0]);
        GoldilocksNtt.Inverse(values);
        Assert.Equal(original, values);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(64)]
    public void EveryWidthOfAStageMatchesTheScalarButterflies(int half)
    {
        var rng = new SeededWordSource(460 + half);
        Goldilocks[] values = rng.NextArray<Goldilocks>(8 * half);
        Goldilocks[] twiddles = rng.NextArray<Goldilocks>(half);
        Goldilocks[] expected = (Goldilocks[])values.Clone();
        GoldilocksNtt.StageScalar(expected, twiddles, half);
        if (Vector512GoldilocksLanes.IsSupported)
        {
            Goldilocks[] wide = (Goldilocks[])values.Clone();
            GoldilocksNtt.Stage<Vector512GoldilocksLanes, Vector512<ulong>>(Words(wide), Words(twiddles), half);
            Assert.Equal(expected, wide);
        }

        if (Vector256GoldilocksLanes.IsSupported)
        {
            Goldilocks[] narrow = (Goldilocks[])values.Clone();
            GoldilocksNtt.Stage<Vector256GoldilocksLanes, Vector256<ulong>>(Words(narrow), Words(twiddles), half);
            Assert.Equal(expected, narrow);
        }

        static Span<ulong> Words(Goldilocks[] values) => MemoryMarshal.Cast<Goldilocks, ulong>(values.AsSpan());
    }

    [Fact]
    public void RejectsNonPowerOfTwoLengths()
    {
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.Forward(new Goldilocks[3]));
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.Inverse(new Goldilocks[0]));
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.CosetLowDegreeExtension(new Goldilocks[4], new Goldilocks[2]));
    }
}
