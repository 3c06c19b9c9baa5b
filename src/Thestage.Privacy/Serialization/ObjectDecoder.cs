using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Parses and validates the payloads laid out by <see cref="ObjectEncoder"/>. The small leading fields (size,
/// level, count) are read first and the exact payload length they imply is checked before anything is allocated.
/// </summary>
internal static class ObjectDecoder
{
    /// <summary>The largest raw payload a valid object of <paramref name="kind"/> can have under <paramref name="context"/>.</summary>
    public static long MaxRawLength(ObjectKind kind, RlweContext? context) => kind switch
    {
        ObjectKind.Parameters => ObjectEncoder.ParametersSize(ObjectEncoder.MaxPrimeCount),
        ObjectKind.Plaintext => ObjectEncoder.PlaintextSize(context!, context!.MaxLevel),
        ObjectKind.Ciphertext => ObjectEncoder.CiphertextSize(context!, ObjectEncoder.MaxCiphertextSize, context!.MaxLevel, seeded: false),
        ObjectKind.PublicKey => ObjectEncoder.PublicKeySize(context!, seeded: false),
        ObjectKind.RelinKeys => ObjectEncoder.RelinKeysSize(context!, seeded: false),
        ObjectKind.GaloisKeys => ObjectEncoder.GaloisKeysSize(context!, MaxGaloisKeyCount(context!), seeded: false),
        ObjectKind.SecretKey => SecretKeyCodec.MaxSize(context!),
        ObjectKind.Vector or ObjectKind.Tensor => TensorCodec.MaxRawLength(kind, context!),
        _ => 0,
    };

    /// <summary>The number of distinct valid Galois elements other than the identity: the odd g in [3, 2N).</summary>
    public static int MaxGaloisKeyCount(RlweContext context) => context.N - 1;

    public static CkksParameters ReadParameters(ReadOnlySpan<byte> raw, FormatHeader header)
    {
        var reader = new PayloadReader(raw);
        uint n = reader.ReadUInt32("N");
        if (n < 1024 || n > 65536 || !uint.IsPow2(n))
        {
            throw new CkksFormatException($"The polynomial modulus degree {n} is not a power of two from 1024 to 65536.");
        }

        uint count = reader.ReadUInt32("prime count");
        if (count < 2 || count > ObjectEncoder.MaxPrimeCount)
        {
            throw new CkksFormatException($"The prime count {count} is outside [2, {ObjectEncoder.MaxPrimeCount}].");
        }

        if (raw.Length != ObjectEncoder.ParametersSize((int)count))
        {
            throw new CkksFormatException($"The parameters payload has {raw.Length} bytes; {count} primes need {ObjectEncoder.ParametersSize((int)count)}.");
        }

        var primes = new ulong[count];
        for (int i = 0; i < primes.Length; i++)
        {
            primes[i] = reader.ReadUInt64("prime");
        }

        string? error = RlweContext.FindCoeffModulusError((int)n, primes);
        if (error is not null)
        {
            throw new CkksFormatException(error);
        }

        reader.ExpectEnd("parameters");
        header.CheckFingerprint(FormatHeader.ComputeFingerprint((int)n, primes));
        return CkksParameters.FromPrimes((int)n, primes);
    }

    public static Plaintext ReadPlaintext(RlweContext context, ReadOnlySpan<byte> raw)
    {
        var reader = new PayloadReader(raw);
        int level = reader.ReadLevel(context);
        double scale = reader.ReadScale(context, level);
        CheckLength(raw, ObjectEncoder.PlaintextSize(context, level), $"a level-{level} plaintext");
        var data = GC.AllocateUninitializedArray<ulong>((level + 1) * context.N);
        reader.ReadPoly(context, level + 1, data, "the plaintext");
        reader.ExpectEnd("plaintext");
        return new Plaintext(context, level, scale, data);
    }

    public static Ciphertext ReadCiphertext(RlweContext context, bool seeded, ReadOnlySpan<byte> raw)
    {
        var reader = new PayloadReader(raw);
        uint size = reader.ReadUInt32("size");
        if (size < 2 || size > ObjectEncoder.MaxCiphertextSize)
        {
            throw new CkksFormatException($"Ciphertext size {size} is outside [2, {ObjectEncoder.MaxCiphertextSize}].");
        }

        if (seeded && size != 2)
        {
            throw new CkksFormatException($"A seeded ciphertext has size 2, not {size}.");
        }

        int level = reader.ReadLevel(context);
        double scale = reader.ReadScale(context, level);
        CheckLength(raw, ObjectEncoder.CiphertextSize(context, (int)size, level, seeded), $"a {(seeded ? "seeded " : string.Empty)}size-{size} level-{level} ciphertext");
        int limbs = level + 1, polyLength = limbs * context.N;
        var data = GC.AllocateUninitializedArray<ulong>((int)size * polyLength);
        int stored = seeded ? 1 : (int)size;
        for (int p = 0; p < stored; p++)
        {
            reader.ReadPoly(context, limbs, data.AsSpan(p * polyLength, polyLength), $"ciphertext polynomial c{p}");
        }

        byte[]? seed = null;
        if (seeded)
        {
            seed = reader.ReadBytes(ObjectEncoder.SeedLength, "seed").ToArray();
            RlweSampling.ExpandUniform(context, seed, limbs, data.AsSpan(polyLength, polyLength));
        }

        reader.ExpectEnd("ciphertext");
        return new Ciphertext(context, (int)size, level, scale, data) { Seed = seed };
    }

    public static PublicKey ReadPublicKey(RlweContext context, bool seeded, ReadOnlySpan<byte> raw)
    {
        CheckLength(raw, ObjectEncoder.PublicKeySize(context, seeded), seeded ? "a seeded public key" : "a public key");
        var reader = new PayloadReader(raw);
        var data = GC.AllocateUninitializedArray<ulong>(2 * context.KeyLimbCount * context.N);
        byte[]? seed = ReadPair(ref reader, context, seeded, data, "the public key");
        reader.ExpectEnd("public key");
        return new PublicKey(context, data, seed);
    }

    public static RelinKeys ReadRelinKeys(RlweContext context, bool seeded, ReadOnlySpan<byte> raw)
    {
        var reader = new PayloadReader(raw);
        uint components = reader.ReadUInt32("component count");
        if (components != (uint)(context.MaxLevel + 1))
        {
            throw new CkksFormatException($"Relinearization keys have {components} components; this context needs {context.MaxLevel + 1}.");
        }

        CheckLength(raw, ObjectEncoder.RelinKeysSize(context, seeded), seeded ? "seeded relinearization keys" : "relinearization keys");
        KeySwitchingKey key = ReadSwitchingKey(ref reader, context, seeded, "the relinearization key");
        reader.ExpectEnd("relinearization keys");
        return new RelinKeys(context, key);
    }

    public static GaloisKeys ReadGaloisKeys(RlweContext context, bool seeded, ReadOnlySpan<byte> raw)
    {
        var reader = new PayloadReader(raw);
        int count = ReadGaloisKeyCount(context, reader.ReadUInt32("key count"), seeded, raw.Length);
        var keys = new Dictionary<ulong, KeySwitchingKey>(Math.Min(count, 64));
        ulong previous = 1;
        for (int k = 0; k < count; k++)
        {
            ReadGaloisKey(ref reader, context, seeded, ref previous, keys);
        }

        reader.ExpectEnd("Galois keys");
        return new GaloisKeys(context, keys);
    }

    /// <summary>
    /// Reads uncompressed Galois keys one key at a time from <paramref name="stream"/>, so that the whole set may
    /// exceed the largest array; the buffer grows with the data that actually arrives.
    /// </summary>
    public static GaloisKeys ReadGaloisKeys(RlweContext context, bool seeded, Stream stream, FormatHeader header)
    {
        byte[] buffer = [];
        ObjectLoader.ReadGrowing(stream, 4, ref buffer, "the Galois key count");
        int count = ReadGaloisKeyCount(context, new PayloadReader(buffer.AsSpan(0, 4)).ReadUInt32("key count"), seeded, header.RawLength);
        long keySize = 8 + ObjectEncoder.SwitchingKeySize(context, seeded);
        if (keySize > Array.MaxLength)
        {
            throw new CkksFormatException($"One Galois key of these parameters takes {keySize} bytes, more than an array holds.");
        }

        var keys = new Dictionary<ulong, KeySwitchingKey>(Math.Min(count, 64));
        ulong previous = 1;
        for (int k = 0; k < count; k++)
        {
            ObjectLoader.ReadGrowing(stream, (int)keySize, ref buffer, "a Galois key");
            var reader = new PayloadReader(buffer.AsSpan(0, (int)keySize));
            ReadGaloisKey(ref reader, context, seeded, ref previous, keys);
            reader.ExpectEnd("Galois key");
        }

        return new GaloisKeys(context, keys);
    }

    private static int ReadGaloisKeyCount(RlweContext context, uint count, bool seeded, long payloadLength)
    {
        if (count > (uint)MaxGaloisKeyCount(context))
        {
            throw new CkksFormatException($"{count} Galois keys exceed the {MaxGaloisKeyCount(context)} distinct Galois elements of N = {context.N}.");
        }

        CheckLength(payloadLength, ObjectEncoder.GaloisKeysSize(context, (int)count, seeded), $"{count} {(seeded ? "seeded " : string.Empty)}Galois keys");
        return (int)count;
    }

    private static void ReadGaloisKey(ref PayloadReader reader, RlweContext context, bool seeded, ref ulong previous, Dictionary<ulong, KeySwitchingKey> keys)
    {
        ulong g = reader.ReadUInt64("Galois element");
        if (!context.Galois.IsValidElement(g) || g == 1)
        {
            throw new CkksFormatException($"Galois element {g} is not an odd number in [3, 2N = {2 * context.N}).");
        }

        if (g <= previous)
        {
            throw new CkksFormatException($"Galois element {g} is a duplicate or out of ascending order (after {previous}).");
        }

        previous = g;
        keys.Add(g, ReadSwitchingKey(ref reader, context, seeded, $"the Galois key of element {g}"));
    }

    private static KeySwitchingKey ReadSwitchingKey(ref PayloadReader reader, RlweContext context, bool seeded, string what)
    {
        int components = context.MaxLevel + 1;
        var data = new ulong[components][];
        var seeds = seeded ? new byte[components][] : null;
        for (int j = 0; j < components; j++)
        {
            data[j] = KeySwitchingKey.AllocateComponent(2 * context.KeyLimbCount * context.N, zeroed: false);
            byte[]? seed = ReadPair(ref reader, context, seeded, data[j], $"component {j} of {what}");
            if (seeds is not null)
            {
                seeds[j] = seed!;
            }
        }

        return new KeySwitchingKey(data, seeds);
    }

    /// <summary>Reads (b, a) at the key level; a is re-expanded from its seed when <paramref name="seeded"/>.</summary>
    private static byte[]? ReadPair(ref PayloadReader reader, RlweContext context, bool seeded, ulong[] destination, string what)
    {
        int limbs = context.KeyLimbCount, length = limbs * context.N;
        reader.ReadPoly(context, limbs, destination.AsSpan(0, length), $"b of {what}");
        if (!seeded)
        {
            reader.ReadPoly(context, limbs, destination.AsSpan(length, length), $"a of {what}");
            return null;
        }

        byte[] seed = reader.ReadBytes(ObjectEncoder.SeedLength, "seed").ToArray();
        RlweSampling.ExpandUniform(context, seed, limbs, destination.AsSpan(length, length));
        return seed;
    }

    private static void CheckLength(ReadOnlySpan<byte> raw, long expected, string what) => CheckLength(raw.Length, expected, what);

    private static void CheckLength(long length, long expected, string what)
    {
        if (length != expected)
        {
            throw new CkksFormatException($"The payload has {length} bytes; {what} under these parameters takes exactly {expected}.");
        }
    }
}
