using Thestage.Inference.Torch.Native;

namespace Thestage.Inference.Torch.Tests.Native;

public sealed class ElfVersionsTests
{
    [Fact]
    public void ListsEveryRequirementWithItsLibrary()
    {
        var requirements = ElfVersions.Requirements(SyntheticElf.Build());

        Assert.Equal(
            [("libstdc++.so.6", "GLIBCXX_3.4.32"), ("libstdc++.so.6", "GLIBCXX_3.4"), ("libc.so.6", "GLIBC_2.2.5")],
            requirements.Select(r => (r.Library, r.Version)));
        Assert.All(requirements, r => Assert.False(r.IsWeak));
        Assert.Equal(SyntheticElf.TargetFlagsOffset, requirements[0].FlagsOffset);
    }

    [Fact]
    public void ListsDefinitions() =>
        Assert.Equal(["GLIBCXX_3.4", "GLIBCXX_3.4.30"], ElfVersions.Definitions(SyntheticElf.Build()));

    [Fact]
    public void ReadsTheFlagsOfEachRequirement()
    {
        byte[] elf = SyntheticElf.Build();
        SyntheticElf.U16(elf, SyntheticElf.TargetFlagsOffset, 0x8003);
        ElfVersionRequirement target = ElfVersions.Requirements(elf)[0];
        Assert.Equal(0x8003, target.Flags);
        Assert.True(target.IsWeak);
        Assert.False(ElfVersions.Requirements(elf)[1].IsWeak);
    }

    [Fact]
    public void AFileWithoutSectionsHasNoVersions()
    {
        byte[] elf = SyntheticElf.Build();
        SyntheticElf.U16(elf, 60, 0);
        Assert.Empty(ElfVersions.Requirements(elf));
        Assert.Empty(ElfVersions.Definitions(elf));
    }

    public static TheoryData<string, Action<byte[]>> Corruptions => new()
    {
        { "bad magic", e => e[1] = (byte)'X' },
        { "ELF32", e => e[4] = 1 },
        { "big-endian", e => e[5] = 2 },
        { "section table past the end", e => SyntheticElf.U64(e, 40, 1L << 40) },
        { "section table overruns", e => SyntheticElf.U16(e, 60, 200) },
        { "short section headers", e => SyntheticElf.U16(e, 58, 40) },
        { "section past the end", e => SyntheticElf.U64(e, SyntheticElf.SectionHeader(2) + 24, 10_000) },
        { "section size overflows", e => SyntheticElf.U64(e, SyntheticElf.SectionHeader(2) + 32, -1) },
        { "link out of range", e => SyntheticElf.U32(e, SyntheticElf.SectionHeader(2) + 40, 9) },
        { "link to a non-string table", e => SyntheticElf.U32(e, SyntheticElf.SectionHeader(2) + 40, 3) },
        { "link to the null section", e => SyntheticElf.U32(e, SyntheticElf.SectionHeader(2) + 40, 0) },
        { "name past the string table", e => SyntheticElf.U32(e, SyntheticElf.VerneedOffset + 16 + 8, 5000) },
        { "unterminated string", e => SyntheticElf.U64(e, SyntheticElf.SectionHeader(1) + 32, 8) },
        { "aux outside the section", e => SyntheticElf.U32(e, SyntheticElf.VerneedOffset + 8, 4000) },
        { "next outside the section", e => SyntheticElf.U32(e, SyntheticElf.VerneedOffset + 12, 64) },
        { "more versions than the chain", e => SyntheticElf.U16(e, SyntheticElf.VerneedOffset + 2, 3) },
        { "more entries than the chain", e => SyntheticElf.U32(e, SyntheticElf.SectionHeader(2) + 44, 3) },
        { "huge entry count", e => SyntheticElf.U32(e, SyntheticElf.SectionHeader(2) + 44, uint.MaxValue) },
        { "unknown Verneed version", e => SyntheticElf.U16(e, SyntheticElf.VerneedOffset, 2) },
        { "too short for a header", e => Array.Clear(e) },
    };

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void RejectsMalformedFiles(string what, Action<byte[]> corrupt)
    {
        byte[] elf = SyntheticElf.Build();
        corrupt(elf);
        Assert.False(string.IsNullOrEmpty(what));
        Assert.Throws<InvalidDataException>(() => ElfVersions.Requirements(elf));
    }

    [Fact]
    public void RejectsVerdefChainsThatEndEarly()
    {
        byte[] elf = SyntheticElf.Build();
        SyntheticElf.U32(elf, SyntheticElf.SectionHeader(3) + 44, 5);
        Assert.Throws<InvalidDataException>(() => ElfVersions.Definitions(elf));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(63)]
    [InlineData(300)]
    [InlineData(639)]
    public void RejectsTruncatedFiles(int length) =>
        Assert.Throws<InvalidDataException>(() => ElfVersions.Requirements(SyntheticElf.Build()[..length]));

    [Fact]
    public void RandomCorruptionOnlyEverRaisesInvalidData()
    {
        var random = new Random(20261123);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] elf = SyntheticElf.Build();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                elf[random.Next(elf.Length)] = (byte)random.Next(256);
            }

            try
            {
                ElfVersions.Requirements(elf);
                ElfVersions.Definitions(elf);
            }
            catch (InvalidDataException)
            {
            }
        }
    }
}
