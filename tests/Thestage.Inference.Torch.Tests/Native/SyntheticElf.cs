using System.Buffers.Binary;
using System.Text;

namespace Thestage.Inference.Torch.Tests.Native;

/// <summary>
/// A minimal little-endian ELF64 file with a .dynstr, a .gnu.version_r needing GLIBCXX_3.4.32 and GLIBCXX_3.4 from
/// libstdc++.so.6 and GLIBC_2.2.5 from libc.so.6, and a .gnu.version_d defining GLIBCXX_3.4 and GLIBCXX_3.4.30.
/// </summary>
internal static class SyntheticElf
{
    public const int DynstrOffset = 64;
    public const int VerneedOffset = 192;
    public const int VerdefOffset = 272;
    public const int SectionHeadersOffset = 384;
    public const int SectionCount = 4;

    private static readonly string[] Names = ["libstdc++.so.6", "GLIBCXX_3.4.32", "GLIBCXX_3.4", "libc.so.6", "GLIBC_2.2.5", "GLIBCXX_3.4.30"];

    public static int DynstrSize { get; } = 1 + Names.Sum(n => n.Length + 1);

    /// <summary>The file offset of the vna_flags field of GLIBCXX_3.4.32.</summary>
    public static int TargetFlagsOffset => VerneedOffset + 16 + 4;

    public static byte[] Build()
    {
        var elf = new byte[SectionHeadersOffset + SectionCount * 64];
        elf[0] = 0x7f;
        elf[1] = (byte)'E';
        elf[2] = (byte)'L';
        elf[3] = (byte)'F';
        elf[4] = 2; // ELFCLASS64
        elf[5] = 1; // ELFDATA2LSB
        elf[6] = 1;
        U16(elf, 16, 3); // ET_DYN
        U16(elf, 18, 62); // EM_X86_64
        U32(elf, 20, 1);
        U64(elf, 40, SectionHeadersOffset);
        U16(elf, 52, 64);
        U16(elf, 58, 64);
        U16(elf, 60, SectionCount);

        var offsets = new Dictionary<string, uint>();
        int at = DynstrOffset + 1;
        foreach (string name in Names)
        {
            offsets[name] = (uint)(at - DynstrOffset);
            Encoding.ASCII.GetBytes(name).CopyTo(elf, at);
            at += name.Length + 1;
        }

        // Verneed: libstdc++.so.6 (2 versions), then libc.so.6 (1 version).
        Verneed(elf, VerneedOffset, count: 2, offsets["libstdc++.so.6"], next: 48);
        Vernaux(elf, VerneedOffset + 16, offsets["GLIBCXX_3.4.32"], other: 3, next: 16);
        Vernaux(elf, VerneedOffset + 32, offsets["GLIBCXX_3.4"], other: 2, next: 0);
        Verneed(elf, VerneedOffset + 48, count: 1, offsets["libc.so.6"], next: 0);
        Vernaux(elf, VerneedOffset + 64, offsets["GLIBC_2.2.5"], other: 4, next: 0);

        // Verdef: GLIBCXX_3.4, GLIBCXX_3.4.30 (20-byte entries, each with one 8-byte Verdaux).
        Verdef(elf, VerdefOffset, offsets["GLIBCXX_3.4"], next: 28);
        Verdef(elf, VerdefOffset + 28, offsets["GLIBCXX_3.4.30"], next: 0);

        Section(elf, 1, type: 3, DynstrOffset, DynstrSize, link: 0, info: 0);
        Section(elf, 2, type: 0x6ffffffe, VerneedOffset, 80, link: 1, info: 2);
        Section(elf, 3, type: 0x6ffffffd, VerdefOffset, 56, link: 1, info: 2);
        return elf;
    }

    public static int SectionHeader(int index) => SectionHeadersOffset + index * 64;

    public static void U16(byte[] b, int at, int v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), (ushort)v);

    public static void U32(byte[] b, int at, long v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), (uint)v);

    public static void U64(byte[] b, int at, long v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), (ulong)v);

    private static void Verneed(byte[] b, int at, int count, uint file, uint next)
    {
        U16(b, at, 1);
        U16(b, at + 2, count);
        U32(b, at + 4, file);
        U32(b, at + 8, 16);
        U32(b, at + 12, next);
    }

    private static void Vernaux(byte[] b, int at, uint name, int other, uint next)
    {
        U32(b, at, 0x1234);
        U16(b, at + 4, 0);
        U16(b, at + 6, other);
        U32(b, at + 8, name);
        U32(b, at + 12, next);
    }

    private static void Verdef(byte[] b, int at, uint name, uint next)
    {
        U16(b, at, 1);
        U16(b, at + 6, 1);
        U32(b, at + 12, 20);
        U32(b, at + 16, next);
        U32(b, at + 20, name);
    }

    private static void Section(byte[] b, int index, uint type, long offset, long size, uint link, uint info)
    {
        int at = SectionHeader(index);
        U32(b, at + 4, type);
        U64(b, at + 24, offset);
        U64(b, at + 32, size);
        U32(b, at + 40, link);
        U32(b, at + 44, info);
    }
}
