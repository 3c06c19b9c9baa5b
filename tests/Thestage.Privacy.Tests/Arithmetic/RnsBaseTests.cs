using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Arithmetic;

namespace Thestage.Privacy.Tests.Arithmetic;

/// <summary>CRT composition against BigInteger, over the full 64-bit range of each input word (<see cref="FullRange"/>).</summary>
[Properties(Arbitrary = [typeof(FullRange)])]
public sealed class RnsBaseTests
{
    private static readonly RnsBase Base = new(Primes.CreateCoeffModulus(8192, [60, 40, 40, 60, 50]).Select(q => new Modulus(q)).ToArray());

    [Property(MaxTest = 300)]
    public Property Compose_inverts_decompose(ulong a, ulong b, ulong c, ulong d)
    {
        BigInteger x = (((((BigInteger)a << 64) | b) << 64 | c) << 64 | d) % Base.Product;
        var residues = new ulong[Base.Count];
        Base.Decompose(x, residues);
        return (Base.Compose(residues) == x).ToProperty();
    }

    [Property(MaxTest = 300)]
    public Property ComposeCentered_matches_BigInteger(ulong a, ulong b, ulong c, ulong d, bool negative)
    {
        BigInteger x = (((((BigInteger)a << 64) | b) << 64 | c) << 64 | d) % (Base.Product / 2);
        if (negative)
        {
            x = -x;
        }

        var residues = new ulong[Base.Count];
        Base.Decompose(x, residues);
        var scratch = new ulong[2 * (Base.Count + 1)];
        double actual = Base.ComposeCentered(residues, 1, scratch);
        double expected = (double)x;
        return (Math.Abs(actual - expected) <= Math.Abs(expected) * 1e-15).ToProperty();
    }

    [Fact]
    public void ComposeCentered_of_small_values_is_exact_with_a_stride()
    {
        var single = new RnsBase([new Modulus(12289)]);
        var scratch = new ulong[4];
        Assert.Equal(-1.0, single.ComposeCentered([12288UL], 1, scratch));
        var residues = new ulong[Base.Count * 3];
        for (long v = -5; v <= 5; v++)
        {
            var r = new ulong[Base.Count];
            Base.Decompose(v, r);
            for (int i = 0; i < Base.Count; i++)
            {
                residues[i * 3] = r[i];
            }

            Assert.Equal(v, Base.ComposeCentered(residues, 3, new ulong[2 * (Base.Count + 1)]));
        }
    }

    [Fact]
    public void Repeated_moduli_are_rejected() =>
        Assert.Throws<ArgumentException>(() => new RnsBase([new Modulus(17), new Modulus(17)]));
}
