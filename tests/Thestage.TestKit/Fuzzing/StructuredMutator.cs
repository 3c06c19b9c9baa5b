using System.Buffers.Binary;

namespace Thestage.TestKit.Fuzzing;

/// <summary>The kinds of change <see cref="StructuredMutator"/> makes to a valid input.</summary>
public enum MutationKind
{
    /// <summary>One to eight single-bit flips anywhere.</summary>
    BitFlips,

    /// <summary>One to three bit flips in the first 64 bytes (magic, version, kinds, lengths).</summary>
    HeaderBitFlips,

    /// <summary>The input cut at a random length, or just before or after a length-like field.</summary>
    Truncation,

    /// <summary>Random bytes appended, or the input's own tail repeated.</summary>
    Extension,

    /// <summary>
    /// A 1-, 2-, 4- or 8-byte little-endian field (preferably one that looks like a length or a count) overwritten
    /// with a boundary value: 0, 1, the width's maximum, sign boundaries, the original ± 1, doubled, 2^k, …
    /// </summary>
    LengthFieldEdit,

    /// <summary>A run of bytes overwritten with 0x00, 0xFF or random bytes.</summary>
    RangeOverwrite,

    /// <summary>A chunk deleted, duplicated, or moved elsewhere.</summary>
    ChunkShuffle,

    /// <summary>The prefix of this input joined to the suffix of another valid input (of the same or another format).</summary>
    Splice,

    /// <summary>Two to four of the other mutations applied one after the other.</summary>
    Stacked,

    /// <summary>The input's first 4–16 bytes (its magic and version) followed by random bytes of random length.</summary>
    RandomBody,
}

/// <summary>
/// Structured mutations of valid inputs, in the style of AFL's deterministic and havoc stages: bit flips, truncations,
/// length-field edits with boundary values, chunk operations and splices. Length-like fields — little-endian 32- or
/// 64-bit words whose value is between 1 and 16 times the input's length — are found once per sample and preferred,
/// since a parser that trusts a length is the usual way to an unbounded allocation or loop.
/// </summary>
public sealed class StructuredMutator(Random random)
{
    private static readonly MutationKind[] Kinds = Enum.GetValues<MutationKind>();
    private readonly Dictionary<byte[], int[]> _lengthFields = new(ReferenceEqualityComparer.Instance);

    /// <summary>Applies one mutation of the given kind to a copy of <paramref name="sample"/>.</summary>
    /// <param name="sample">A valid input; it is not modified.</param>
    /// <param name="other">Another valid input, used by <see cref="MutationKind.Splice"/>.</param>
    /// <param name="kind">The mutation.</param>
    public byte[] Mutate(byte[] sample, byte[] other, MutationKind kind) => kind switch
    {
        MutationKind.BitFlips => FlipBits(sample, random.Next(1, 9), sample.Length),
        MutationKind.HeaderBitFlips => FlipBits(sample, random.Next(1, 4), Math.Min(sample.Length, 64)),
        MutationKind.Truncation => Truncate(sample),
        MutationKind.Extension => Extend(sample),
        MutationKind.LengthFieldEdit => EditField(sample),
        MutationKind.RangeOverwrite => OverwriteRange(sample),
        MutationKind.ChunkShuffle => ShuffleChunk(sample),
        MutationKind.Splice => Splice(sample, other),
        MutationKind.Stacked => Stack(sample, other),
        MutationKind.RandomBody => RandomBody(sample),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The mutation kind of case number <paramref name="index"/>: every kind in turn.</summary>
    public static MutationKind KindOf(int index) => Kinds[index % Kinds.Length];

    private byte[] FlipBits(byte[] sample, int count, int within)
    {
        byte[] data = (byte[])sample.Clone();
        if (within == 0)
        {
            return data;
        }

        for (int k = 0; k < count; k++)
        {
            data[random.Next(within)] ^= (byte)(1 << random.Next(8));
        }

        return data;
    }

    private byte[] Truncate(byte[] sample)
    {
        int[] fields = LengthFields(sample);
        int cut = fields.Length > 0 && random.Next(2) == 0
            ? Math.Clamp(fields[random.Next(fields.Length)] + random.Next(-1, 10), 0, sample.Length)
            : random.Next(sample.Length + 1);
        return sample.AsSpan(0, cut).ToArray();
    }

    private byte[] Extend(byte[] sample)
    {
        int extra = random.Next(1, 257);
        byte[] data = new byte[sample.Length + extra];
        sample.CopyTo(data, 0);
        if (random.Next(2) == 0 || sample.Length == 0)
        {
            random.NextBytes(data.AsSpan(sample.Length));
        }
        else
        {
            for (int i = 0; i < extra; i++)
            {
                data[sample.Length + i] = sample[sample.Length - 1 - (i % sample.Length)];
            }
        }

        return data;
    }

    private byte[] EditField(byte[] sample)
    {
        byte[] data = (byte[])sample.Clone();
        if (data.Length == 0)
        {
            return data;
        }

        int[] fields = LengthFields(sample);
        int width = fields.Length > 0 && random.Next(4) != 0 ? (random.Next(2) == 0 ? 4 : 8) : 1 << random.Next(4);
        width = Math.Min(width, data.Length);
        int offset = fields.Length > 0 && random.Next(4) != 0
            ? Math.Min(fields[random.Next(fields.Length)], data.Length - width)
            : random.Next(data.Length - width + 1);
        ulong original = Read(data, offset, width);
        ulong value = BoundaryValue(original, width, data.Length);
        Write(data, offset, width, value);
        return data;
    }

    private ulong BoundaryValue(ulong original, int width, int length)
    {
        ulong max = width == 8 ? ulong.MaxValue : (1UL << (8 * width)) - 1;
        ulong value = random.Next(20) switch
        {
            0 => 0,
            1 => 1,
            2 => 2,
            3 => max,
            4 => max - 1,
            5 => max >> 1,
            6 => (max >> 1) + 1,
            7 => original + 1,
            8 => original - 1,
            9 => original * 2,
            10 => original << 8,
            11 => original >> 1,
            12 => (ulong)length,
            13 => (ulong)length + 1,
            14 => 1UL << random.Next(8 * width),
            15 => (1UL << random.Next(8 * width)) - 1,
            16 => 1UL << 31,
            17 => uint.MaxValue,
            18 => (ulong)random.Next(64),
            _ => (ulong)random.NextInt64() | ((ulong)random.Next(2) << 63),
        };
        return value & max;
    }

    private byte[] OverwriteRange(byte[] sample)
    {
        byte[] data = (byte[])sample.Clone();
        if (data.Length == 0)
        {
            return data;
        }

        int start = random.Next(data.Length);
        int count = Math.Min(data.Length - start, 1 + random.Next(Math.Min(64, data.Length)));
        Span<byte> run = data.AsSpan(start, count);
        switch (random.Next(3))
        {
            case 0: run.Clear(); break;
            case 1: run.Fill(0xFF); break;
            default: random.NextBytes(run); break;
        }

        return data;
    }

    private byte[] ShuffleChunk(byte[] sample)
    {
        if (sample.Length < 2)
        {
            return (byte[])sample.Clone();
        }

        int start = random.Next(sample.Length);
        int count = 1 + random.Next(Math.Min(sample.Length - start, 256));
        byte[] chunk = sample.AsSpan(start, count).ToArray();
        var result = new List<byte>(sample.Length + count);
        switch (random.Next(3))
        {
            case 0: // delete
                result.AddRange(sample.AsSpan(0, start).ToArray());
                result.AddRange(sample.AsSpan(start + count).ToArray());
                break;
            case 1: // duplicate in place
                result.AddRange(sample.AsSpan(0, start + count).ToArray());
                result.AddRange(chunk);
                result.AddRange(sample.AsSpan(start + count).ToArray());
                break;
            default: // move
                result.AddRange(sample.AsSpan(0, start).ToArray());
                result.AddRange(sample.AsSpan(start + count).ToArray());
                result.InsertRange(random.Next(result.Count + 1), chunk);
                break;
        }

        return [.. result];
    }

    private byte[] Splice(byte[] sample, byte[] other)
    {
        int head = random.Next(sample.Length + 1);
        int tail = random.Next(other.Length + 1);
        byte[] data = new byte[head + other.Length - tail];
        sample.AsSpan(0, head).CopyTo(data);
        other.AsSpan(tail).CopyTo(data.AsSpan(head));
        return data;
    }

    private byte[] Stack(byte[] sample, byte[] other)
    {
        byte[] data = sample;
        for (int k = random.Next(2, 5); k > 0; k--)
        {
            MutationKind kind = Kinds[random.Next(Kinds.Length)];
            if (kind is MutationKind.Stacked)
            {
                kind = MutationKind.BitFlips;
            }

            data = Mutate(data, other, kind);
        }

        return data;
    }

    private byte[] RandomBody(byte[] sample)
    {
        int keep = Math.Min(sample.Length, random.Next(4, 17));
        byte[] data = new byte[keep + random.Next(Math.Max(2, 2 * sample.Length))];
        sample.AsSpan(0, keep).CopyTo(data);
        random.NextBytes(data.AsSpan(keep));
        return data;
    }

    /// <summary>Offsets (in the first 4 KiB) of 32- or 64-bit words whose value is between 1 and 16 × the input's length.</summary>
    private int[] LengthFields(byte[] sample)
    {
        if (_lengthFields.TryGetValue(sample, out int[]? cached))
        {
            return cached;
        }

        var fields = new List<int>();
        ulong limit = 16UL * (ulong)Math.Max(sample.Length, 1);
        int end = Math.Min(sample.Length, 4096);
        for (int offset = 0; offset + 4 <= end; offset++)
        {
            uint value = BinaryPrimitives.ReadUInt32LittleEndian(sample.AsSpan(offset));
            if (value >= 1 && value <= limit)
            {
                fields.Add(offset);
            }
        }

        int[] result = [.. fields];
        if (_lengthFields.Count < 1024)
        {
            _lengthFields[sample] = result;
        }

        return result;
    }

    private static ulong Read(byte[] data, int offset, int width) => width switch
    {
        1 => data[offset],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(offset)),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(offset)),
        8 => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(offset)),
        _ => ReadPartial(data, offset, width),
    };

    private static ulong ReadPartial(byte[] data, int offset, int width)
    {
        ulong value = 0;
        for (int i = width - 1; i >= 0; i--)
        {
            value = (value << 8) | data[offset + i];
        }

        return value;
    }

    private static void Write(byte[] data, int offset, int width, ulong value)
    {
        for (int i = 0; i < width; i++)
        {
            data[offset + i] = (byte)(value >> (8 * i));
        }
    }
}
