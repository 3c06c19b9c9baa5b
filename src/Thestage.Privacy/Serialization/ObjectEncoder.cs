using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// The payload layouts (little-endian, after the header), and their writers:
/// <list type="bullet">
/// <item>Parameters: u32 N, u32 prime count, u64 primes (special prime last).</item>
/// <item>Plaintext: u32 level, f64 scale, polynomial of level + 1 limbs.</item>
/// <item>Ciphertext: u32 size, u32 level, f64 scale, c₀; then the 32-byte seed of c₁ if seeded, else c₁ … c_(size−1).</item>
/// <item>Public key: b; then the 32-byte seed of a if seeded, else a (key level).</item>
/// <item>Relinearization keys: u32 component count (= L + 1), then per component b_j, then seed_j or a_j.</item>
/// <item>Galois keys: u32 key count, then per key (Galois elements strictly ascending) u64 element and a key-switching key as above.</item>
/// <item>Secret key: see <see cref="SecretKeyCodec"/> (2-bit ternary coefficients, or s bit-packed).</item>
/// <item>Encrypted vector and tensor: see <see cref="TensorCodec"/> (leading fields, then ciphertexts as above).</item>
/// </list>
/// Each polynomial is limb-major in NTT form, limb i bit-packed to ⌈log2 qᵢ⌉ bits per coefficient.
/// </summary>
internal static class ObjectEncoder
{
    /// <summary>The largest ciphertext size (number of polynomials) the format accepts.</summary>
    public const int MaxCiphertextSize = 8;

    /// <summary>The largest number of primes the format accepts in parameters.</summary>
    public const int MaxPrimeCount = 64;

    public const int SeedLength = 32;

    public static long ParametersSize(int primeCount) => 8 + 8L * primeCount;

    public static void WriteParameters(int n, ReadOnlySpan<ulong> primes, Span<byte> destination)
    {
        var writer = new PayloadWriter(destination);
        writer.WriteUInt32((uint)n);
        writer.WriteUInt32((uint)primes.Length);
        foreach (ulong q in primes)
        {
            writer.WriteUInt64(q);
        }
    }

    public static long PlaintextSize(RlweContext context, int level) => 12 + PayloadWriter.PolySize(context, level + 1);

    public static void WritePlaintext(Plaintext plaintext, Span<byte> destination)
    {
        var writer = new PayloadWriter(destination);
        writer.WriteUInt32((uint)plaintext.Level);
        writer.WriteDouble(plaintext.Scale);
        writer.WritePoly(plaintext.Context, plaintext.Data, plaintext.Level + 1);
    }

    public static long CiphertextSize(RlweContext context, int size, int level, bool seeded)
    {
        long poly = PayloadWriter.PolySize(context, level + 1);
        return 16 + (seeded ? poly + SeedLength : size * poly);
    }

    public static void WriteCiphertext(Ciphertext ciphertext, bool seeded, Span<byte> destination)
    {
        var writer = new PayloadWriter(destination);
        writer.WriteUInt32((uint)ciphertext.Size);
        writer.WriteUInt32((uint)ciphertext.Level);
        writer.WriteDouble(ciphertext.Scale);
        int polys = seeded ? 1 : ciphertext.Size;
        for (int p = 0; p < polys; p++)
        {
            writer.WritePoly(ciphertext.Context, ciphertext.Poly(p), ciphertext.LimbCount);
        }

        if (seeded)
        {
            writer.WriteBytes(ciphertext.Seed!);
        }
    }

    public static long PublicKeySize(RlweContext context, bool seeded)
    {
        long poly = PayloadWriter.PolySize(context, context.KeyLimbCount);
        return poly + (seeded ? SeedLength : poly);
    }

    public static void WritePublicKey(PublicKey key, bool seeded, Span<byte> destination)
    {
        var writer = new PayloadWriter(destination);
        WritePair(ref writer, key.Context, key.Data, seeded ? key.Seed : null);
    }

    public static long SwitchingKeySize(RlweContext context, bool seeded) => (context.MaxLevel + 1) * PublicKeySize(context, seeded);

    public static long RelinKeysSize(RlweContext context, bool seeded) => 4 + SwitchingKeySize(context, seeded);

    public static void WriteRelinKeys(RelinKeys keys, bool seeded, Span<byte> destination)
    {
        var writer = new PayloadWriter(destination);
        writer.WriteUInt32((uint)(keys.Context.MaxLevel + 1));
        WriteSwitchingKey(ref writer, keys.Context, keys.Key, seeded);
    }

    public static long GaloisKeysSize(RlweContext context, int count, bool seeded) => 4 + count * (8 + SwitchingKeySize(context, seeded));

    /// <summary>The Galois keys as segments: the count, then one segment per key (element ascending).</summary>
    public static PayloadSegment[] GaloisKeysSegments(GaloisKeys keys, bool seeded)
    {
        IReadOnlyList<ulong> elements = keys.GaloisElements;
        var segments = new PayloadSegment[elements.Count + 1];
        segments[0] = new PayloadSegment(4, d => new PayloadWriter(d).WriteUInt32((uint)elements.Count));
        long keySize = 8 + SwitchingKeySize(keys.Context, seeded);
        for (int k = 0; k < elements.Count; k++)
        {
            ulong g = elements[k];
            segments[k + 1] = new PayloadSegment(keySize, d =>
            {
                keys.TryGet(g, out KeySwitchingKey key);
                var writer = new PayloadWriter(d);
                writer.WriteUInt64(g);
                WriteSwitchingKey(ref writer, keys.Context, key, seeded);
            });
        }

        return segments;
    }

    /// <summary>Whether every a_j of <paramref name="key"/> can be stored as its seed.</summary>
    public static bool HasSeeds(KeySwitchingKey key) => key.Seeds is not null;

    private static void WriteSwitchingKey(ref PayloadWriter writer, RlweContext context, KeySwitchingKey key, bool seeded)
    {
        for (int j = 0; j < key.Components.Length; j++)
        {
            WritePair(ref writer, context, key.Components[j], seeded ? key.Seeds![j] : null);
        }
    }

    /// <summary>Writes (b, a) at the key level, a replaced by <paramref name="seed"/> when given.</summary>
    private static void WritePair(ref PayloadWriter writer, RlweContext context, ulong[] data, byte[]? seed)
    {
        int length = context.KeyLimbCount * context.N;
        writer.WritePoly(context, data.AsSpan(0, length), context.KeyLimbCount);
        if (seed is not null)
        {
            writer.WriteBytes(seed);
        }
        else
        {
            writer.WritePoly(context, data.AsSpan(length, length), context.KeyLimbCount);
        }
    }
}
