using Thestage.Privacy.Serialization;

namespace Thestage.Privacy.Tests.Serialization;

/// <summary>Bit-packing of residues at every width a prime can have.</summary>
public sealed class BitPackingTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(1024)]
    public void Residues_of_every_width_round_trip(int count)
    {
        var random = new Random(count);
        for (int bits = 2; bits <= 60; bits++)
        {
            ulong modulus = (1UL << (bits - 1)) + (ulong)random.NextInt64(1L << (bits - 1));
            var values = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                values[i] = i < 2 ? (ulong)i * (modulus - 1) : (ulong)random.NextInt64((long)modulus);
            }

            var packed = new byte[BitPacking.PackedLength(count, bits) + 1];
            BitPacking.Pack(values, bits, packed);
            Assert.Equal(0, packed[^1]);
            Assert.Equal(count * bits / 8, BitPacking.PackedLength(count, bits));
            var unpacked = new ulong[count];
            Assert.Equal(-1, BitPacking.Unpack(packed.AsSpan(0, packed.Length - 1), bits, modulus, unpacked));
            Assert.Equal(values, unpacked);
        }
    }

    [Fact]
    public void The_bit_stream_is_little_endian_least_significant_bit_first()
    {
        ulong[] values = [0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8];
        var packed = new byte[4];
        BitPacking.Pack(values, 4, packed);
        Assert.Equal(new byte[] { 0x21, 0x43, 0x65, 0x87 }, packed);
    }

    [Fact]
    public void Unpacking_reports_the_first_value_not_below_the_modulus()
    {
        const int bits = 40;
        ulong modulus = (1UL << 39) + 12345;
        var values = new ulong[16];
        values[5] = modulus;
        values[9] = (1UL << bits) - 1;
        var packed = new byte[BitPacking.PackedLength(16, bits)];
        BitPacking.Pack(values, bits, packed);
        Assert.Equal(5, BitPacking.Unpack(packed, bits, modulus, new ulong[16]));
        values[5] = modulus - 1;
        BitPacking.Pack(values, bits, packed);
        Assert.Equal(9, BitPacking.Unpack(packed, bits, modulus, new ulong[16]));
    }

    [Theory]
    [InlineData(0x0FFFFFFFFFFFFFFFUL, 60)]
    [InlineData(0x800000UL, 24)]
    [InlineData(2UL, 2)]
    public void The_width_is_the_bit_length_of_the_modulus(ulong modulus, int bits) => Assert.Equal(bits, BitPacking.BitWidth(modulus));
}
