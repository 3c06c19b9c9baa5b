using System.Buffers.Binary;
using System.Text;

namespace Thestage.Inference.Torch.Native;

/// <summary>
/// A small, strict, read-only reader of the GNU symbol-versioning sections of little-endian ELF64 files: it lists the
/// versions a file needs (<c>.gnu.version_r</c>, SHT_GNU_verneed, with each entry's <c>vna_flags</c>, where
/// VER_FLG_WEAK lets the dynamic loader accept a library that lacks the version) and defines (<c>.gnu.version_d</c>,
/// SHT_GNU_verdef). Every offset, count and string is checked against the file, which is treated as untrusted.
/// </summary>
internal static class ElfVersions
{
    /// <summary>VER_FLG_WEAK.</summary>
    public const ushort WeakFlag = 2;

    private const uint ShtStrtab = 3;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const int VerneedSize = 16;
    private const int VernauxSize = 16;
    private const int VerdefSize = 20;
    private const int VerdauxSize = 8;
    private const int MaxNameLength = 4096;

    /// <summary>Every version requirement in the file (empty when it has no <c>.gnu.version_r</c>).</summary>
    /// <param name="elf">The whole file.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed little-endian ELF64 file.</exception>
    public static IReadOnlyList<ElfVersionRequirement> Requirements(ReadOnlySpan<byte> elf)
    {
        var result = new List<ElfVersionRequirement>();
        foreach (Section section in Sections(elf))
        {
            if (section.Type != ShtGnuVerneed)
            {
                continue;
            }

            Section strings = LinkedStrings(elf, section);
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                Require(entry, VerneedSize, section, "Verneed entry");
                ushort version = U16(elf, entry);
                ushort count = U16(elf, entry + 2);
                if (version != 1)
                {
                    throw new InvalidDataException($"ELF Verneed entry at 0x{entry:x} has version {version}; only 1 is defined.");
                }

                string library = Name(elf, strings, U32(elf, entry + 4));
                long aux = entry + U32(elf, entry + 8);
                for (int j = 0; j < count; j++)
                {
                    Require(aux, VernauxSize, section, "Vernaux entry");
                    result.Add(new ElfVersionRequirement(library, Name(elf, strings, U32(elf, aux + 8)), U16(elf, aux + 4), aux + 4));
                    uint next = U32(elf, aux + 12);
                    if (next == 0 && j + 1 < count)
                    {
                        throw new InvalidDataException($"ELF Verneed entry for {library} announces {count} versions but its chain ends after {j + 1}.");
                    }

                    aux += next;
                }

                uint nextEntry = U32(elf, entry + 12);
                if (nextEntry == 0 && i + 1 < section.Info)
                {
                    throw new InvalidDataException($"ELF .gnu.version_r announces {section.Info} entries but its chain ends after {i + 1}.");
                }

                entry += nextEntry;
            }
        }

        return result;
    }

    /// <summary>Every version name the file defines (empty when it has no <c>.gnu.version_d</c>).</summary>
    /// <param name="elf">The whole file.</param>
    /// <exception cref="InvalidDataException">The file is not a well-formed little-endian ELF64 file.</exception>
    public static IReadOnlyList<string> Definitions(ReadOnlySpan<byte> elf)
    {
        var result = new List<string>();
        foreach (Section section in Sections(elf))
        {
            if (section.Type != ShtGnuVerdef)
            {
                continue;
            }

            Section strings = LinkedStrings(elf, section);
            long entry = section.Offset;
            for (uint i = 0; i < section.Info; i++)
            {
                Require(entry, VerdefSize, section, "Verdef entry");
                ushort count = U16(elf, entry + 6);
                if (count > 0)
                {
                    long aux = entry + U32(elf, entry + 12);
                    Require(aux, VerdauxSize, section, "Verdaux entry");
                    result.Add(Name(elf, strings, U32(elf, aux)));
                }

                uint next = U32(elf, entry + 16);
                if (next == 0 && i + 1 < section.Info)
                {
                    throw new InvalidDataException($"ELF .gnu.version_d announces {section.Info} entries but its chain ends after {i + 1}.");
                }

                entry += next;
            }
        }

        return result;
    }

    private static List<Section> Sections(ReadOnlySpan<byte> elf)
    {
        if (elf.Length < HeaderSize || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
        {
            throw new InvalidDataException("Not an ELF file (bad magic).");
        }

        if (elf[4] != 2 || elf[5] != 1)
        {
            throw new InvalidDataException($"Only little-endian ELF64 files are read (class {elf[4]}, data {elf[5]}).");
        }

        ulong shoff = U64(elf, 40);
        ushort shentsize = U16(elf, 58);
        ushort shnum = U16(elf, 60);
        if (shnum == 0)
        {
            return [];
        }

        if (shentsize < SectionHeaderSize)
        {
            throw new InvalidDataException($"ELF section headers are {shentsize} bytes; ELF64 needs {SectionHeaderSize}.");
        }

        if (shoff > (ulong)elf.Length || (ulong)shnum * shentsize > (ulong)elf.Length - shoff)
        {
            throw new InvalidDataException($"ELF section header table ({shnum} × {shentsize} bytes at 0x{shoff:x}) lies outside the {elf.Length}-byte file.");
        }

        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long at = (long)shoff + (long)i * shentsize;
            uint type = U32(elf, at + 4);
            ulong offset = U64(elf, at + 24);
            ulong size = U64(elf, at + 32);
            bool occupiesFile = type != 8; // SHT_NOBITS has no bytes in the file
            if (occupiesFile && type != 0 && (offset > (ulong)elf.Length || size > (ulong)elf.Length - offset))
            {
                throw new InvalidDataException($"ELF section {i} ({size} bytes at 0x{offset:x}) lies outside the {elf.Length}-byte file.");
            }

            sections.Add(new Section(i, type, (long)Math.Min(offset, (ulong)elf.Length), occupiesFile ? (long)size : 0, U32(elf, at + 40), U32(elf, at + 44), sections));
        }

        return sections;
    }

    private static Section LinkedStrings(ReadOnlySpan<byte> elf, Section section)
    {
        if (section.Link == 0 || section.Link >= section.All.Count)
        {
            throw new InvalidDataException($"ELF section {section.Index} links to string table {section.Link}, which does not exist.");
        }

        Section strings = section.All[(int)section.Link];
        if (strings.Type != ShtStrtab)
        {
            throw new InvalidDataException($"ELF section {section.Index} links to section {strings.Index}, which is not a string table.");
        }

        return strings;
    }

    private static string Name(ReadOnlySpan<byte> elf, Section strings, uint offset)
    {
        if (offset >= strings.Size)
        {
            throw new InvalidDataException($"ELF string offset {offset} lies outside its {strings.Size}-byte string table.");
        }

        ReadOnlySpan<byte> rest = elf.Slice((int)(strings.Offset + offset), (int)Math.Min(strings.Size - offset, MaxNameLength));
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new InvalidDataException($"ELF string at offset {offset} is not terminated within {rest.Length} bytes.");
        }

        return Encoding.UTF8.GetString(rest[..end]);
    }

    private static void Require(long at, int size, Section section, string what)
    {
        if (at < section.Offset || at + size > section.Offset + section.Size)
        {
            throw new InvalidDataException($"ELF {what} at 0x{at:x} lies outside section {section.Index} (0x{section.Offset:x}, {section.Size} bytes).");
        }
    }

    private static ushort U16(ReadOnlySpan<byte> elf, long at) => BinaryPrimitives.ReadUInt16LittleEndian(elf.Slice((int)at, 2));

    private static uint U32(ReadOnlySpan<byte> elf, long at) => BinaryPrimitives.ReadUInt32LittleEndian(elf.Slice((int)at, 4));

    private static ulong U64(ReadOnlySpan<byte> elf, long at) => BinaryPrimitives.ReadUInt64LittleEndian(elf.Slice((int)at, 8));

    private sealed class Section(int index, uint type, long offset, long size, uint link, uint info, List<Section> all)
    {
        public int Index { get; } = index;

        public uint Type { get; } = type;

        public long Offset { get; } = offset;

        public long Size { get; } = size;

        public uint Link { get; } = link;

        public uint Info { get; } = info;

        public List<Section> All { get; } = all;
    }
}
