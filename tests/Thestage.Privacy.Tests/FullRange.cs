using FsCheck;
using FsCheck.Fluent;

namespace Thestage.Privacy.Tests;

/// <summary>
/// Full-range generators for <see cref="ulong"/> and <see cref="long"/>, for properties that claim "any 64-bit
/// input": register them with <c>[Property(Arbitrary = [typeof(FullRange)])]</c>.
/// </summary>
/// <remarks>
/// FsCheck's default integer generators grow with the test size, so 500 draws never exceed a few hundred and the
/// upper 55 bits of a word are never exercised. Here each draw is, with equal weight, one of <see cref="EdgeValues"/>,
/// a uniform 64-bit word, or a uniform word of a uniformly chosen bit length 0…64 (so small, middle and top
/// magnitudes all occur). Shrinking halves towards zero, so a counterexample is reported near its smallest size.
/// Edge values relative to a modulus (q − 1, q, q + 1, …) depend on q; the tests that take a modulus check those
/// exhaustively with <see cref="EdgesAround"/>.
/// </remarks>
public static class FullRange
{
    /// <summary>0, 1, 2, 3, 2^k − 1, 2^k, 2^k + 1 for k = 31, 32, 60, 61, 62, 63, and 2^64 − 1 (as a long: −1, long.MinValue, …).</summary>
    public static IReadOnlyList<ulong> EdgeValues { get; } = BuildEdges();

    private static Gen<ulong> Words { get; } = Gen.Frequency(
        (1, Gen.Elements(EdgeValues.ToArray())),
        (1, Uniform()),
        (1, from bits in Gen.Choose(0, 64) from word in Uniform() select bits == 0 ? 0 : word >> (64 - bits)));

    /// <summary>The <see cref="ulong"/> generator.</summary>
    public static Arbitrary<ulong> UInt64() => Arb.From(Words, ShrinkTowardsZero);

    /// <summary>The <see cref="long"/> generator: the same words reinterpreted, so long.MinValue, −1 and long.MaxValue are edges.</summary>
    public static Arbitrary<long> Int64() => Arb.From(Words.Select(w => (long)w), v => ShrinkTowardsZero((ulong)v).Select(w => (long)w));

    /// <summary>The values a modular kernel must get right around <paramref name="q"/>: 0, 1, q − 1, q, q + 1, 2q − 1, 2q, q² (mod 2^64), and the global edges.</summary>
    /// <param name="q">The modulus, below 2^62.</param>
    public static ulong[] EdgesAround(ulong q) =>
        [.. new ulong[] { 0, 1, q - 1, q, q + 1, 2 * q - 1, 2 * q, q * q }.Concat(EdgeValues).Distinct()];

    private static Gen<ulong> Uniform() =>
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)high << 32) | (uint)low;

    private static IEnumerable<ulong> ShrinkTowardsZero(ulong value)
    {
        for (ulong v = value >> 1; v != 0; v >>= 1)
        {
            yield return v;
        }

        if (value != 0)
        {
            yield return 0;
        }
    }

    private static ulong[] BuildEdges()
    {
        var edges = new List<ulong> { 0, 1, 2, 3, ulong.MaxValue };
        foreach (int k in new[] { 31, 32, 60, 61, 62, 63 })
        {
            ulong p = 1UL << k;
            edges.AddRange([p - 1, p, p + 1]);
        }

        return [.. edges.Distinct()];
    }
}
