using System.Numerics;
using System.Runtime.Intrinsics;
using FsCheck.Xunit;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Tests.Fields;

/// <summary>
/// Every SIMD width of <see cref="IGoldilocksLanes{TV}"/> against BigInteger arithmetic, lane by lane, over the full
/// canonical range (and the packed extension product against <see cref="GoldilocksExt2"/>'s). A width the machine lacks
/// is skipped here; CI reruns this class with AVX-512 and with all hardware intrinsics switched off.
/// </summary>
public sealed class GoldilocksLanesTests
{
    private static readonly BigInteger P = Goldilocks.Modulus;

    private static readonly ulong[] Interesting =
    [
        0, 1, 2, 3, 7, 0xFFFF_FFFF, 0x1_0000_0000, 0x1_0000_0001, 0x8000_0000_0000_0000, 0x1FFF_FFFF_FFFF_FFFF, 0x2000_0000_0000_0000,
        Goldilocks.Modulus - 1, Goldilocks.Modulus - 2, Goldilocks.Modulus - 0xFFFF_FFFF, Goldilocks.Modulus - 0x1_0000_0000, 0xFFFF_FFFE_FFFF_FFFF,
    ];

    private enum Operation
    {
        Add,
        Subtract,
        Multiply,
        MultiplyBySeven,
        ExtensionMultiply,
        ExtensionMultiplyByConstant,
        ExtensionMultiplyByBase,
    }

    // Canonical values spread over [0, p): the input, its mirror, a shifted copy and the top of the range.
    private static ulong[] Spread(ulong x) =>
        [x % Goldilocks.Modulus, (ulong.MaxValue - x) % Goldilocks.Modulus, (x << 32) % Goldilocks.Modulus, Goldilocks.Modulus - 1 - (x % Goldilocks.Modulus)];

    [Property(Replay = "(211,2027)", MaxTest = 300)]
    public bool EveryWidthMatchesBigInteger(ulong x, ulong y, ulong z, ulong w)
    {
        ulong[] a = [.. Spread(x), .. Spread(y)];
        ulong[] b = [.. Spread(z), .. Spread(w)];
        return Enum.GetValues<Operation>().All(op => Matches(op, a, b));
    }

    [Fact]
    public void EveryWidthMatchesOnEdgeValues()
    {
        foreach (ulong u in Interesting)
        {
            ulong[] a = Enumerable.Repeat(u, 8).ToArray();
            for (int offset = 0; offset < Interesting.Length; offset += 8)
            {
                ulong[] b = Interesting[offset..(offset + 8)];
                foreach (Operation op in Enum.GetValues<Operation>())
                {
                    Assert.True(Matches(op, a, b), $"{op} on {u} and [{string.Join(", ", b)}]");
                    Assert.True(Matches(op, b, a), $"{op} on [{string.Join(", ", b)}] and {u}");
                }
            }
        }
    }

    /// <summary>
    /// The lazy Horner step over the whole 64-bit range of its accumulator and addend (which need not be canonical): a word
    /// congruent to <c>s·x + c</c>, and <see cref="IGoldilocksLanes{TV}.Canonicalize"/> of any word is its canonical residue.
    /// </summary>
    [Property(Replay = "(331,4099)", MaxTest = 300)]
    public bool LazyMultiplyAddAndCanonicalizeMatchBigIntegerOverAllWords(ulong s, ulong x, ulong c, ulong w)
    {
        ulong[] accumulators = [s, ulong.MaxValue - s, s ^ w, w, ulong.MaxValue, Goldilocks.Modulus, Goldilocks.Modulus - 1, 0];
        ulong[] points = [.. Spread(x), .. Spread(w)];
        ulong[] addends = [c, ulong.MaxValue - c, ulong.MaxValue, Goldilocks.Modulus, c ^ w, 0, 1, Goldilocks.Modulus + 7];
        return LazyMatches(accumulators, points, addends) && LazyMatches(addends, points, accumulators);
    }

    [Fact]
    public void LazyMultiplyAddMatchesOnEdgeValues()
    {
        ulong[] words = [.. Interesting, ulong.MaxValue, ulong.MaxValue - 1, Goldilocks.Modulus, Goldilocks.Modulus + 1, 0xFFFF_FFFF_0000_0000, 0x1_FFFF_FFFF];
        foreach (ulong u in words)
        {
            for (int offset = 0; offset + 8 <= words.Length; offset += 8)
            {
                ulong[] v = words[offset..(offset + 8)];
                ulong[] canonical = v.Select(e => e % Goldilocks.Modulus).ToArray();
                Assert.True(LazyMatches(Enumerable.Repeat(u, 8).ToArray(), canonical, v), $"{u}·x + c");
                Assert.True(LazyMatches(v, Enumerable.Repeat(u % Goldilocks.Modulus, 8).ToArray(), Enumerable.Repeat(u, 8).ToArray()), $"s·{u} + {u}");
            }
        }
    }

    private static bool LazyMatches(ulong[] s, ulong[] x, ulong[] c)
    {
        ulong[] expected = s.Select((_, i) => (ulong)((((BigInteger)s[i] * x[i]) + c[i]) % P)).ToArray();
        ulong[] canonical = s.Select(e => (ulong)(e % P)).ToArray();
        return (!Vector512GoldilocksLanes.IsSupported || LazyMatches<Vector512GoldilocksLanes, Vector512<ulong>>(s, x, c, expected, canonical))
            && (!Vector256GoldilocksLanes.IsSupported || LazyMatches<Vector256GoldilocksLanes, Vector256<ulong>>(s, x, c, expected, canonical));
    }

    private static bool LazyMatches<TLanes, TV>(ulong[] s, ulong[] x, ulong[] c, ulong[] expected, ulong[] canonical)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        var lazy = new ulong[s.Length];
        var reduced = new ulong[s.Length];
        ulong[] high = x.Select(e => e >> 32).ToArray();
        for (int i = 0; i < s.Length; i += TLanes.Count)
        {
            TV value = TLanes.MultiplyAddLazy(TLanes.Load(in s[i]), TLanes.Load(in x[i]), TLanes.Load(in high[i]), TLanes.Load(in c[i]));
            TLanes.Store(value, ref lazy[i]);
            TLanes.Store(TLanes.Canonicalize(TLanes.Load(in s[i])), ref reduced[i]);
        }

        return lazy.Select(e => (ulong)(e % P)).SequenceEqual(expected) && reduced.SequenceEqual(canonical);
    }

    private static bool Matches(Operation op, ulong[] a, ulong[] b)
    {
        ulong[] expected = Expected(op, a, b);
        return (!Vector512GoldilocksLanes.IsSupported || Apply<Vector512GoldilocksLanes, Vector512<ulong>>(op, a, b).SequenceEqual(expected))
            && (!Vector256GoldilocksLanes.IsSupported || Apply<Vector256GoldilocksLanes, Vector256<ulong>>(op, a, b).SequenceEqual(expected));
    }

    private static ulong[] Expected(Operation op, ulong[] a, ulong[] b)
    {
        var result = new ulong[a.Length];
        for (int i = 0; i < a.Length; i += 2)
        {
            var x = new GoldilocksExt2(new Goldilocks(a[i]), new Goldilocks(a[i + 1]));
            var y = new GoldilocksExt2(new Goldilocks(b[i]), new Goldilocks(b[i + 1]));
            GoldilocksExt2? product = op switch
            {
                Operation.ExtensionMultiply => x * y,
                Operation.ExtensionMultiplyByConstant => x * new GoldilocksExt2(new Goldilocks(b[0]), new Goldilocks(b[1])),
                Operation.ExtensionMultiplyByBase => x.MultiplyByBase(new Goldilocks(b[i / 2])),
                _ => null,
            };
            if (product is GoldilocksExt2 p)
            {
                (result[i], result[i + 1]) = (p.C0.Value, p.C1.Value);
                continue;
            }

            for (int j = i; j < i + 2; j++)
            {
                BigInteger value = op switch
                {
                    Operation.Add => (BigInteger)a[j] + b[j],
                    Operation.Subtract => (BigInteger)a[j] - b[j],
                    Operation.Multiply => (BigInteger)a[j] * b[j],
                    _ => 7 * (BigInteger)a[j],
                };
                result[j] = (ulong)(((value % P) + P) % P);
            }
        }

        return result;
    }

    private static ulong[] Apply<TLanes, TV>(Operation op, ulong[] a, ulong[] b)
        where TLanes : struct, IGoldilocksLanes<TV>
        where TV : struct
    {
        var result = new ulong[a.Length];
        for (int i = 0; i < a.Length; i += TLanes.Count)
        {
            TV x = TLanes.Load(in a[i]);
            TV y = TLanes.Load(in b[i]);
            (TV low, TV high) = PackedExt2<TLanes, TV>.Constant(new GoldilocksExt2(new Goldilocks(b[0]), new Goldilocks(b[1])));
            TV value = op switch
            {
                Operation.Add => TLanes.Add(x, y),
                Operation.Subtract => TLanes.Subtract(x, y),
                Operation.Multiply => TLanes.Multiply(x, y),
                Operation.MultiplyBySeven => TLanes.MultiplyBySeven(x),
                Operation.ExtensionMultiply => PackedExt2<TLanes, TV>.Multiply(x, y),
                Operation.ExtensionMultiplyByConstant => PackedExt2<TLanes, TV>.MultiplyByConstant(x, low, high),
                _ => TLanes.Multiply(x, TLanes.LoadDuplicated(in b[i / 2])),
            };
            TLanes.Store(value, ref result[i]);
        }

        return result;
    }
}
