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
    [InlineData(5)]
    [InlineData(8)]
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
    public void RejectsNonPowerOfTwoLengths()
    {
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.Forward(new Goldilocks[3]));
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.Inverse(new Goldilocks[0]));
        Assert.Throws<ArgumentException>(() => GoldilocksNtt.CosetLowDegreeExtension(new Goldilocks[4], new Goldilocks[2]));
    }
}
