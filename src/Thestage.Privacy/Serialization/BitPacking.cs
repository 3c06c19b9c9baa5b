using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Packs residues modulo q into ⌈log2 q⌉ bits each, least significant bit first, in a little-endian bit stream
/// (a 40-bit prime takes 5 bytes per coefficient instead of 8).
/// </summary>
internal static class BitPacking
{
    /// <summary>The number of bits of q, the width of each packed residue.</summary>
    public static int BitWidth(ulong modulus) => 64 - BitOperations.LeadingZeroCount(modulus);

    /// <summary>The packed size of <paramref name="count"/> residues (a multiple of 8, so always whole bytes).</summary>
    public static int PackedLength(int count, int bits) => (int)((long)count * bits / 8);

    /// <summary>Packs <paramref name="values"/>, each below 2^<paramref name="bits"/>, into exactly <see cref="PackedLength"/> bytes.</summary>
    public static void Pack(ReadOnlySpan<ulong> values, int bits, Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(bits is > 0 and < 64 && values.Length % 8 == 0);
        destination = destination[..PackedLength(values.Length, bits)];
        ref byte output = ref MemoryMarshal.GetReference(destination);
        ulong accumulator = 0;
        int filled = 0, position = 0;
        foreach (ulong value in values)
        {
            accumulator |= value << filled;
            int total = filled + bits;
            if (total >= 64)
            {
                // position + 8 <= destination.Length: 64 more bits have been produced.
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref output, position), BitConverter.IsLittleEndian ? accumulator : BinaryPrimitives.ReverseEndianness(accumulator));
                position += 8;
                accumulator = value >> (64 - filled); // filled > 0 here, since bits < 64
                total -= 64;
            }

            filled = total;
        }

        for (; filled > 0; filled -= 8)
        {
            destination[position++] = (byte)accumulator;
            accumulator >>= 8;
        }
    }

    /// <summary>
    /// Unpacks <paramref name="destination"/>.Length residues of <paramref name="bits"/> bits each; returns the index
    /// of the first one not below <paramref name="modulus"/>, or −1 when all are.
    /// </summary>
    public static int Unpack(ReadOnlySpan<byte> source, int bits, ulong modulus, Span<ulong> destination)
    {
        if (source.Length != PackedLength(destination.Length, bits))
        {
            throw new ArgumentException("The packed length does not match the number of residues.", nameof(source));
        }

        ref byte input = ref MemoryMarshal.GetReference(source);
        ulong mask = (1UL << bits) - 1;
        ulong accumulator = 0, tooLarge = 0;
        int available = 0, position = 0, wholeWords = source.Length & ~7;
        for (int i = 0; i < destination.Length; i++)
        {
            ulong value;
            if (available >= bits)
            {
                value = accumulator & mask;
                accumulator >>= bits;
                available -= bits;
            }
            else
            {
                ulong next;
                if (position < wholeWords)
                {
                    next = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref input, position));
                    next = BitConverter.IsLittleEndian ? next : BinaryPrimitives.ReverseEndianness(next);
                    position += 8;
                }
                else
                {
                    next = 0;
                    for (int shift = 0; position < source.Length; shift += 8)
                    {
                        next |= (ulong)source[position++] << shift;
                    }
                }

                value = (accumulator | (next << available)) & mask;
                int used = bits - available;
                accumulator = next >> used;
                available = 64 - used;
            }

            tooLarge |= value >= modulus ? 1UL : 0UL;
            destination[i] = value;
        }

        return tooLarge == 0 ? -1 : FirstNotBelow(destination, modulus);
    }

    private static int FirstNotBelow(ReadOnlySpan<ulong> values, ulong modulus)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] >= modulus)
            {
                return i;
            }
        }

        return -1;
    }
}
