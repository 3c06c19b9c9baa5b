using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

/// <summary>Field axioms checked on seeded random elements; subclassed once per field.</summary>
public abstract class FieldLawTests<T>
    where T : struct, IField<T>
{
    private const int Iterations = 300;

    protected abstract int Seed { get; }

    [Fact]
    public void AdditionIsAssociativeAndCommutative()
    {
        var rng = new SeededWordSource(Seed);
        for (int i = 0; i < Iterations; i++)
        {
            T a = rng.Next<T>(), b = rng.Next<T>(), c = rng.Next<T>();
            Assert.Equal((a + b) + c, a + (b + c));
            Assert.Equal(a + b, b + a);
        }
    }

    [Fact]
    public void MultiplicationIsAssociativeAndCommutative()
    {
        var rng = new SeededWordSource(Seed + 1);
        for (int i = 0; i < Iterations; i++)
        {
            T a = rng.Next<T>(), b = rng.Next<T>(), c = rng.Next<T>();
            Assert.Equal((a * b) * c, a * (b * c));
            Assert.Equal(a * b, b * a);
        }
    }

    [Fact]
    public void MultiplicationDistributesOverAddition()
    {
        var rng = new SeededWordSource(Seed + 2);
        for (int i = 0; i < Iterations; i++)
        {
            T a = rng.Next<T>(), b = rng.Next<T>(), c = rng.Next<T>();
            Assert.Equal(a * (b + c), (a * b) + (a * c));
            Assert.Equal(a * (b - c), (a * b) - (a * c));
        }
    }

    [Fact]
    public void IdentitiesAndInverses()
    {
        var rng = new SeededWordSource(Seed + 3);
        for (int i = 0; i < Iterations; i++)
        {
            T a = rng.Next<T>();
            Assert.Equal(a, a + T.Zero);
            Assert.Equal(a, a * T.One);
            Assert.Equal(T.Zero, a + (-a));
            Assert.Equal(T.Zero, a - a);
            Assert.Equal(-a, T.Zero - a);
            Assert.Equal(T.Zero, a * T.Zero);
            if (!a.IsZero)
            {
                Assert.Equal(T.One, a * T.Invert(a));
            }
        }

        Assert.Equal(T.Zero, -T.Zero);
        Assert.Throws<ArgumentException>(() => T.Invert(T.Zero));
    }

    [Fact]
    public void BatchInversionMatchesSingleInversions()
    {
        var rng = new SeededWordSource(Seed + 4);
        T[] values = rng.NextArray<T>(37);
        T[] expected = values.Select(T.Invert).ToArray();
        FieldMath.BatchInvert<T>(values);
        Assert.Equal(expected, values);

        T[] withZero = [T.One, T.Zero, T.One];
        Assert.Throws<ArgumentException>(() => FieldMath.BatchInvert<T>(withZero));
    }

    [Fact]
    public void PowMatchesRepeatedMultiplication()
    {
        var rng = new SeededWordSource(Seed + 5);
        T a = rng.Next<T>();
        T expected = T.One;
        for (ulong e = 0; e < 40; e++)
        {
            Assert.Equal(expected, FieldMath.Pow(a, e));
            expected *= a;
        }
    }

    [Fact]
    public void EncodingRoundTripsAndRejectsNonCanonical()
    {
        var rng = new SeededWordSource(Seed + 6);
        var buffer = new byte[T.EncodedLength];
        for (int i = 0; i < 100; i++)
        {
            T a = rng.Next<T>();
            a.WriteTo(buffer);
            Assert.True(T.TryRead(buffer, out T back));
            Assert.Equal(a, back);
        }

        Array.Fill(buffer, (byte)0xFF); // every 8-byte limb is 2^64 − 1 ≥ p
        Assert.False(T.TryRead(buffer, out _));
    }

    [Fact]
    public void FromUInt64IsARingHomomorphismOnSmallIntegers()
    {
        for (ulong a = 0; a < 20; a++)
        {
            for (ulong b = 0; b < 20; b++)
            {
                Assert.Equal(T.FromUInt64(a + b), T.FromUInt64(a) + T.FromUInt64(b));
                Assert.Equal(T.FromUInt64(a * b), T.FromUInt64(a) * T.FromUInt64(b));
            }
        }
    }
}

public sealed class GoldilocksLawTests : FieldLawTests<Goldilocks>
{
    protected override int Seed => 1001;
}

public sealed class GoldilocksExt2LawTests : FieldLawTests<GoldilocksExt2>
{
    protected override int Seed => 2002;
}
