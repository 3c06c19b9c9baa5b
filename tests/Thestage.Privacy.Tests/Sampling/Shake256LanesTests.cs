using System.Security.Cryptography;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Tests.Sampling;

/// <summary>
/// The eight-lane AVX-512 SHAKE-256 against the operating system's and BouncyCastle's, byte for byte, at every message
/// length it takes and output lengths around the rate; and <see cref="Shake256Stream"/>, which uses it for its later
/// blocks, against the one-block-at-a-time stream. Without AVX-512 (CI's <c>DOTNET_EnableAVX512F=0</c> run) the lanes
/// refuse and the stream never calls them, which the last test checks.
/// </summary>
public sealed class Shake256LanesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(135)]
    [InlineData(136)]
    [InlineData(137)]
    [InlineData(1000)]
    [InlineData(8192)]
    public void Every_lane_is_SHAKE256_of_its_message(int outputLength)
    {
        if (!Shake256Lanes.IsSupported)
        {
            Assert.Throws<PlatformNotSupportedException>(() => Shake256Lanes.HashData(new byte[8], 1, new byte[8], 1));
            return;
        }

        var random = new Random(outputLength);
        for (int inputLength = 0; inputLength < Shake256Lanes.Rate; inputLength++)
        {
            var inputs = new byte[Shake256Lanes.Count * inputLength];
            random.NextBytes(inputs);
            var outputs = new byte[Shake256Lanes.Count * outputLength];
            Shake256Lanes.HashData(inputs, inputLength, outputs, outputLength);
            for (int k = 0; k < Shake256Lanes.Count; k++)
            {
                var expected = new byte[outputLength];
                (inputLength % 2 == 0 ? Shake256Xof.Managed : Shake256Xof.Default)(inputs.AsSpan(k * inputLength, inputLength), expected);
                Assert.True(expected.AsSpan().SequenceEqual(outputs.AsSpan(k * outputLength, outputLength)), $"message length {inputLength}, lane {k}");
            }
        }
    }

    [Fact]
    public void Bad_lengths_are_rejected()
    {
        if (!Shake256Lanes.IsSupported)
        {
            return;
        }

        Assert.Throws<ArgumentException>(() => Shake256Lanes.HashData(new byte[8 * 136], 136, new byte[8], 1));
        Assert.Throws<ArgumentException>(() => Shake256Lanes.HashData(new byte[7], 1, new byte[8], 1));
        Assert.Throws<ArgumentException>(() => Shake256Lanes.HashData(new byte[8], 1, new byte[9], 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(40_000)]
    [InlineData(200_000)]
    [InlineData(1_000_000)]
    public void The_stream_is_the_same_with_and_without_the_lanes(int length)
    {
        byte[] seed = RandomNumberGenerator.GetBytes(Shake256Stream.SeedLength);
        using var fast = new Shake256Stream(seed);                       // lanes where AVX-512 runs and enough is announced
        using var reference = new Shake256Stream(seed, Shake256Xof.Managed); // one block at a time, BouncyCastle
        var a = new byte[length];
        var b = new byte[length];
        // Read in uneven pieces, so that block boundaries fall inside reads; announce a part of what follows now and
        // then (single blocks, then lanes, then single blocks again).
        for (int offset = 0, piece = 1, step = 0; offset < length; offset += piece, piece = piece * 7 % 9973 + 1, step++)
        {
            if (step % 5 == 0)
            {
                fast.Expect(Math.Min(length - offset, 3 * 8192 + piece));
            }

            int take = Math.Min(piece, length - offset);
            fast.NextBytes(a.AsSpan(offset, take));
            reference.NextBytes(b.AsSpan(offset, take));
        }

        Assert.True(a.AsSpan().SequenceEqual(b));
    }
}
