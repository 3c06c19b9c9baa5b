using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Privacy.Sampling;

/// <summary>
/// SHAKE-256 (FIPS 202) of eight messages at once, one per 64-bit lane of AVX-512 registers: the eight Keccak-f[1600]
/// states are permuted together, so eight independent blocks of <see cref="Shake256Stream"/> cost about as much as two
/// of the operating system's one-at-a-time permutations.
/// </summary>
/// <remarks>
/// <para>Keccak-f[1600] as FIPS 202 §3.2–3.3 defines it: 24 rounds of θ, ρ, π, χ, ι on 5 × 5 lanes A[x, y] (lane
/// x + 5y). θ's column parities take two three-way XORs (<c>vpternlogq</c> 0x96), ρ is <c>vprolq</c>, χ's
/// a ⊕ (¬b ∧ c) one <c>vpternlogq</c> (0xD2); π is folded into where each rotated lane is read: the lane that lands at
/// (X, Y) comes from (x, y) = (3(Y − 3X) mod 5, X). The ρ offsets and round constants below are those of the
/// standard (computed from its definitions: offsets (t + 1)(t + 2)/2 along (x, y) ↦ (y, 2x + 3y), constants from the
/// LFSR rc(t) of §3.2.5).</para>
/// <para>SHAKE-256: rate 136 bytes, padding 0x1F … 0x80 (§B.2). A message shorter than the rate is one absorbed block,
/// the case of <see cref="Shake256Stream"/>'s counter-mode inputs. Tested byte for byte against the operating system's
/// and BouncyCastle's SHAKE-256 (<c>Sampling/Shake256LanesTests</c>); without AVX-512 the stream keeps using those.</para>
/// </remarks>
internal static unsafe class Shake256Lanes
{
    /// <summary>The number of messages hashed together.</summary>
    public const int Count = 8;

    /// <summary>The SHAKE-256 rate in bytes: the longest message this one-block absorption takes is one less.</summary>
    public const int Rate = 136;

    private const int RateWords = Rate / 8;

    private static readonly ulong[] RoundConstants =
    [
        0x0000000000000001UL,
        0x0000000000008082UL,
        0x800000000000808AUL,
        0x8000000080008000UL,
        0x000000000000808BUL,
        0x0000000080000001UL,
        0x8000000080008081UL,
        0x8000000000008009UL,
        0x000000000000008AUL,
        0x0000000000000088UL,
        0x0000000080008009UL,
        0x000000008000000AUL,
        0x000000008000808BUL,
        0x800000000000008BUL,
        0x8000000000008089UL,
        0x8000000000008003UL,
        0x8000000000008002UL,
        0x8000000000000080UL,
        0x000000000000800AUL,
        0x800000008000000AUL,
        0x8000000080008081UL,
        0x8000000000008080UL,
        0x0000000080000001UL,
        0x8000000080008008UL
    ];

    /// <summary>Whether this machine runs the AVX-512 permutation.</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>
    /// Writes SHAKE-256(message k) to <c>outputs[k·outputLength, (k + 1)·outputLength)</c> for the eight messages
    /// <c>inputs[k·inputLength, (k + 1)·inputLength)</c>.
    /// </summary>
    /// <param name="inputs">Eight messages of <paramref name="inputLength"/> bytes each, one after the other.</param>
    /// <param name="inputLength">The length of each message, below <see cref="Rate"/>.</param>
    /// <param name="outputs">Eight outputs of <paramref name="outputLength"/> bytes each, one after the other.</param>
    /// <param name="outputLength">The number of output bytes per message.</param>
    public static void HashData(ReadOnlySpan<byte> inputs, int inputLength, Span<byte> outputs, int outputLength)
    {
        if (!IsSupported)
        {
            throw new PlatformNotSupportedException("The eight-lane SHAKE-256 needs AVX-512F.");
        }

        if (inputLength < 0 || inputLength >= Rate || inputs.Length != Count * inputLength || outputLength < 0 || outputs.Length != Count * outputLength)
        {
            throw new ArgumentException($"Eight messages below {Rate} bytes each and eight outputs of one length are needed.");
        }

        Vector512<ulong>* a = stackalloc Vector512<ulong>[25];
        Vector512<ulong>* b = stackalloc Vector512<ulong>[25];
        ulong* words = stackalloc ulong[Count * RateWords];
        Span<byte> block = stackalloc byte[Rate];
        for (int k = 0; k < Count; k++)
        {
            block.Clear();
            inputs.Slice(k * inputLength, inputLength).CopyTo(block);
            block[inputLength] ^= 0x1F;
            block[Rate - 1] ^= 0x80;
            for (int i = 0; i < RateWords; i++)
            {
                words[i * Count + k] = BinaryPrimitives.ReadUInt64LittleEndian(block[(8 * i)..]);
            }
        }

        for (int i = 0; i < 25; i++)
        {
            a[i] = i < RateWords ? Vector512.Load(words + i * Count) : Vector512<ulong>.Zero;
        }

        for (int offset = 0; offset < outputLength; offset += Rate)
        {
            Permute(a, b);
            for (int i = 0; i < RateWords; i++)
            {
                a[i].Store(words + i * Count);
            }

            int take = Math.Min(Rate, outputLength - offset);
            for (int k = 0; k < Count; k++)
            {
                Span<byte> destination = outputs.Slice(k * outputLength + offset, take);
                for (int i = 0; 8 * i < take; i++)
                {
                    ulong word = words[i * Count + k];
                    if (take - 8 * i >= 8)
                    {
                        BinaryPrimitives.WriteUInt64LittleEndian(destination[(8 * i)..], word);
                    }
                    else
                    {
                        for (int t = 8 * i; t < take; t++, word >>= 8)
                        {
                            destination[t] = (byte)word;
                        }
                    }
                }
            }
        }

        // The states and the last squeezed words are the stream's secret bytes: wipe them from the stack.
        new Span<byte>(a, 25 * sizeof(Vector512<ulong>)).Clear();
        new Span<byte>(b, 25 * sizeof(Vector512<ulong>)).Clear();
        new Span<byte>(words, Count * RateWords * sizeof(ulong)).Clear();
        block.Clear();
    }

    // Keccak-f[1600] on the eight states in a; b is scratch. 24 rounds, each from one buffer into the other, so the
    // result ends in a again.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Permute(Vector512<ulong>* a, Vector512<ulong>* b)
    {
        for (int round = 0; round < 24; round++)
        {
            Vector512<ulong> c0 = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a[0], a[5], a[10], 0x96), a[15], a[20], 0x96);
            Vector512<ulong> c1 = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a[1], a[6], a[11], 0x96), a[16], a[21], 0x96);
            Vector512<ulong> c2 = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a[2], a[7], a[12], 0x96), a[17], a[22], 0x96);
            Vector512<ulong> c3 = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a[3], a[8], a[13], 0x96), a[18], a[23], 0x96);
            Vector512<ulong> c4 = Avx512F.TernaryLogic(Avx512F.TernaryLogic(a[4], a[9], a[14], 0x96), a[19], a[24], 0x96);
            Vector512<ulong> d0 = c4 ^ Avx512F.RotateLeft(c1, 1);
            Vector512<ulong> d1 = c0 ^ Avx512F.RotateLeft(c2, 1);
            Vector512<ulong> d2 = c1 ^ Avx512F.RotateLeft(c3, 1);
            Vector512<ulong> d3 = c2 ^ Avx512F.RotateLeft(c4, 1);
            Vector512<ulong> d4 = c3 ^ Avx512F.RotateLeft(c0, 1);
            Vector512<ulong> b00 = (a[0] ^ d0);
            Vector512<ulong> b10 = Avx512F.RotateLeft(a[6] ^ d1, 44);
            Vector512<ulong> b20 = Avx512F.RotateLeft(a[12] ^ d2, 43);
            Vector512<ulong> b30 = Avx512F.RotateLeft(a[18] ^ d3, 21);
            Vector512<ulong> b40 = Avx512F.RotateLeft(a[24] ^ d4, 14);
            b[0] = Avx512F.TernaryLogic(b00, b10, b20, 0xD2);
            b[1] = Avx512F.TernaryLogic(b10, b20, b30, 0xD2);
            b[2] = Avx512F.TernaryLogic(b20, b30, b40, 0xD2);
            b[3] = Avx512F.TernaryLogic(b30, b40, b00, 0xD2);
            b[4] = Avx512F.TernaryLogic(b40, b00, b10, 0xD2);
            Vector512<ulong> b01 = Avx512F.RotateLeft(a[3] ^ d3, 28);
            Vector512<ulong> b11 = Avx512F.RotateLeft(a[9] ^ d4, 20);
            Vector512<ulong> b21 = Avx512F.RotateLeft(a[10] ^ d0, 3);
            Vector512<ulong> b31 = Avx512F.RotateLeft(a[16] ^ d1, 45);
            Vector512<ulong> b41 = Avx512F.RotateLeft(a[22] ^ d2, 61);
            b[5] = Avx512F.TernaryLogic(b01, b11, b21, 0xD2);
            b[6] = Avx512F.TernaryLogic(b11, b21, b31, 0xD2);
            b[7] = Avx512F.TernaryLogic(b21, b31, b41, 0xD2);
            b[8] = Avx512F.TernaryLogic(b31, b41, b01, 0xD2);
            b[9] = Avx512F.TernaryLogic(b41, b01, b11, 0xD2);
            Vector512<ulong> b02 = Avx512F.RotateLeft(a[1] ^ d1, 1);
            Vector512<ulong> b12 = Avx512F.RotateLeft(a[7] ^ d2, 6);
            Vector512<ulong> b22 = Avx512F.RotateLeft(a[13] ^ d3, 25);
            Vector512<ulong> b32 = Avx512F.RotateLeft(a[19] ^ d4, 8);
            Vector512<ulong> b42 = Avx512F.RotateLeft(a[20] ^ d0, 18);
            b[10] = Avx512F.TernaryLogic(b02, b12, b22, 0xD2);
            b[11] = Avx512F.TernaryLogic(b12, b22, b32, 0xD2);
            b[12] = Avx512F.TernaryLogic(b22, b32, b42, 0xD2);
            b[13] = Avx512F.TernaryLogic(b32, b42, b02, 0xD2);
            b[14] = Avx512F.TernaryLogic(b42, b02, b12, 0xD2);
            Vector512<ulong> b03 = Avx512F.RotateLeft(a[4] ^ d4, 27);
            Vector512<ulong> b13 = Avx512F.RotateLeft(a[5] ^ d0, 36);
            Vector512<ulong> b23 = Avx512F.RotateLeft(a[11] ^ d1, 10);
            Vector512<ulong> b33 = Avx512F.RotateLeft(a[17] ^ d2, 15);
            Vector512<ulong> b43 = Avx512F.RotateLeft(a[23] ^ d3, 56);
            b[15] = Avx512F.TernaryLogic(b03, b13, b23, 0xD2);
            b[16] = Avx512F.TernaryLogic(b13, b23, b33, 0xD2);
            b[17] = Avx512F.TernaryLogic(b23, b33, b43, 0xD2);
            b[18] = Avx512F.TernaryLogic(b33, b43, b03, 0xD2);
            b[19] = Avx512F.TernaryLogic(b43, b03, b13, 0xD2);
            Vector512<ulong> b04 = Avx512F.RotateLeft(a[2] ^ d2, 62);
            Vector512<ulong> b14 = Avx512F.RotateLeft(a[8] ^ d3, 55);
            Vector512<ulong> b24 = Avx512F.RotateLeft(a[14] ^ d4, 39);
            Vector512<ulong> b34 = Avx512F.RotateLeft(a[15] ^ d0, 41);
            Vector512<ulong> b44 = Avx512F.RotateLeft(a[21] ^ d1, 2);
            b[20] = Avx512F.TernaryLogic(b04, b14, b24, 0xD2);
            b[21] = Avx512F.TernaryLogic(b14, b24, b34, 0xD2);
            b[22] = Avx512F.TernaryLogic(b24, b34, b44, 0xD2);
            b[23] = Avx512F.TernaryLogic(b34, b44, b04, 0xD2);
            b[24] = Avx512F.TernaryLogic(b44, b04, b14, 0xD2);
            b[0] ^= Vector512.Create(RoundConstants[round]);
            Vector512<ulong>* t = a;
            a = b;
            b = t;
        }
    }
}
