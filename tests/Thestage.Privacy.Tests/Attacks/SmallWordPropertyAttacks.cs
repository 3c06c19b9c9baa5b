using System.Reflection;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 8 of issue 10: properties over <see cref="ulong"/>/<see cref="long"/> drew only FsCheck's size-bounded values
/// (at most 48 in 500 draws), so a kernel wrong on large words — the only ones a hostile input or a real residue has —
/// passed every "any 64-bit input" property. The attack is that blind spot: a property that would miss such a bug.
/// </summary>
public sealed class SmallWordPropertyAttacks
{
    [Fact]
    public void PropertyOverWords_DrawsOnlySmallValues_Fails()
    {
        // Every property of this assembly that takes a 64-bit word must draw it from FullRange.
        var blind = new List<string>();
        foreach (MethodInfo method in typeof(FullRange).Assembly.GetTypes().SelectMany(t => t.GetMethods()))
        {
            PropertyAttribute? property = method.GetCustomAttribute<PropertyAttribute>();
            if (property is null || !method.GetParameters().Any(p => p.ParameterType == typeof(ulong) || p.ParameterType == typeof(long)))
            {
                continue;
            }

            Type[] arbitraries = [.. property.Arbitrary, .. method.DeclaringType!.GetCustomAttribute<PropertiesAttribute>()?.Arbitrary ?? []];
            if (!arbitraries.Contains(typeof(FullRange)))
            {
                blind.Add($"{method.DeclaringType!.Name}.{method.Name}");
            }
        }

        Assert.True(blind.Count == 0, "Properties over 64-bit words without the full-range generator: " + string.Join(", ", blind));
    }

    [Fact]
    public void FullRangeGenerator_MissesLargeWordsOrEdges_Fails()
    {
        // What a 500-case run draws at the small sizes FsCheck starts with: the top bit, every edge, every magnitude band.
        ulong[] draws = [.. FullRange.UInt64().Generator.Sample(500, new Rnd(20261207), 1)];
        Assert.Contains(draws, w => w >= 1UL << 63);
        ulong[] more = [.. FullRange.UInt64().Generator.Sample(4000, new Rnd(7), 1)];
        Assert.All(FullRange.EdgeValues, e => Assert.Contains(e, more));
        for (int band = 0; band < 64; band += 8)
        {
            Assert.Contains(draws, w => w >> band != 0 && (band == 56 || w >> (band + 8) == 0));
        }

        long[] signed = [.. FullRange.Int64().Generator.Sample(500, new Rnd(11), 1)];
        Assert.Contains(signed, v => v < int.MinValue);
        Assert.Contains(signed, v => v > int.MaxValue);
    }
}
