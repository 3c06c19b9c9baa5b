using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

/// <summary>
/// <see cref="HornerKernels"/>: the scalar loop against the power sum <c>Σ c_e·x^e</c> and against the coset transform
/// (<see cref="GoldilocksNtt.CosetEvaluate"/>), and every vector width against the scalar loop, for every number of points
/// 0 … 67 (whole groups of four registers and every padded partial group) and degrees 0, 1 and 300.
/// </summary>
public sealed class HornerKernelsTests
{
    public static TheoryData<int, int> Shapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int points in Enumerable.Range(0, 68))
        {
            foreach (int coefficients in new[] { 0, 1, 300 })
            {
                data.Add(points, coefficients);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvaluateMatchesThePowerSumAtEveryWidth(int pointCount, int coefficientCount)
    {
        var words = new SeededWordSource((1000 * pointCount) + coefficientCount);
        Goldilocks[] coefficients = words.NextArray<Goldilocks>(coefficientCount);
        Goldilocks[] points = words.NextArray<Goldilocks>(pointCount);
        var expected = new Goldilocks[pointCount];
        for (int i = 0; i < pointCount; i++)
        {
            Goldilocks power = Goldilocks.One;
            foreach (Goldilocks c in coefficients)
            {
                expected[i] += c * power;
                power *= points[i];
            }
        }

        var values = new Goldilocks[pointCount];
        HornerKernels.Evaluate(coefficients, points, values);
        Assert.Equal(expected, values);

        if (Vector512GoldilocksLanes.IsSupported)
        {
            var wide = new Goldilocks[pointCount];
            int done = HornerKernels.Evaluate<Vector512GoldilocksLanes, Vector512<ulong>>(coefficients, points, wide);
            Assert.Equal(pointCount, done); // the partial group is padded, not left to the scalar loop
            HornerKernels.EvaluateScalar(coefficients, points, wide, done);
            Assert.Equal(expected, wide);
        }

        if (Vector256GoldilocksLanes.IsSupported)
        {
            var narrow = new Goldilocks[pointCount];
            int done = HornerKernels.Evaluate<Vector256GoldilocksLanes, Vector256<ulong>>(coefficients, points, narrow);
            Assert.Equal(pointCount, done);
            HornerKernels.EvaluateScalar(coefficients, points, narrow, done);
            Assert.Equal(expected, narrow);
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void EvaluateExt2MatchesThePowerSumAtEveryWidth(int pointCount, int coefficientCount)
    {
        var words = new SeededWordSource((1000 * pointCount) + coefficientCount + 7);
        GoldilocksExt2[] coefficients = words.NextArray<GoldilocksExt2>(coefficientCount);
        Goldilocks[] points = words.NextArray<Goldilocks>(pointCount);
        if (pointCount > 2)
        {
            points[1] = Goldilocks.Zero;
            points[2] = new Goldilocks(Goldilocks.Modulus - 1);
        }

        var expected = new GoldilocksExt2[pointCount];
        for (int i = 0; i < pointCount; i++)
        {
            Goldilocks power = Goldilocks.One;
            foreach (GoldilocksExt2 c in coefficients)
            {
                expected[i] += c.MultiplyByBase(power);
                power *= points[i];
            }
        }

        var values = new GoldilocksExt2[pointCount];
        HornerKernels.EvaluateExt2(coefficients, points, values);
        Assert.Equal(expected, values);

        var scalar = new GoldilocksExt2[pointCount];
        HornerKernels.EvaluateExt2Scalar(coefficients, points, scalar, 0);
        Assert.Equal(expected, scalar);

        if (Vector512GoldilocksLanes.IsSupported)
        {
            var wide = new GoldilocksExt2[pointCount];
            Assert.Equal(pointCount, HornerKernels.EvaluateExt2<Vector512GoldilocksLanes, Vector512<ulong>>(coefficients, points, wide));
            Assert.Equal(expected, wide);
        }

        if (Vector256GoldilocksLanes.IsSupported)
        {
            var narrow = new GoldilocksExt2[pointCount];
            Assert.Equal(pointCount, HornerKernels.EvaluateExt2<Vector256GoldilocksLanes, Vector256<ulong>>(coefficients, points, narrow));
            Assert.Equal(expected, narrow);
        }

        Assert.Throws<ArgumentException>(() => HornerKernels.EvaluateExt2(coefficients, points, new GoldilocksExt2[pointCount + 1]));
    }

    [Fact]
    public void EvaluateAtCosetPointsGivesTheCosetTransform()
    {
        const int n = 256;
        var words = new SeededWordSource(77);
        Goldilocks[] coefficients = words.NextArray<Goldilocks>(40);
        var transform = new Goldilocks[n];
        GoldilocksNtt.CosetEvaluate(coefficients, transform);
        Goldilocks root = Goldilocks.RootOfUnity(8);
        Goldilocks[] points = Enumerable.Range(0, n).Select(j => GoldilocksNtt.CosetShift * Goldilocks.Pow(root, (ulong)j)).ToArray();
        var values = new Goldilocks[n];
        HornerKernels.Evaluate(coefficients, points, values);
        Assert.Equal(transform, values);
        Assert.Throws<ArgumentException>(() => HornerKernels.Evaluate(coefficients, points, new Goldilocks[n - 1]));
    }
}
