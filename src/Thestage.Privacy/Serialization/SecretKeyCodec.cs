using System.Security.Cryptography;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// The secret-key payload: u8 form, then either (form 1) the ternary coefficients of s at 2 bits each (0 → 0,
/// 1 → +1, 2 → −1; 3 is invalid), N/4 bytes, from which every limb is rebuilt by reduction and forward NTT; or
/// (form 0) the key-level limbs in NTT form, bit-packed like any polynomial. Form 1 is used whenever it reproduces
/// the key exactly (every key <see cref="KeyGenerator"/> makes): 2 KiB instead of 200 KiB at N = 8192, and the
/// loader then knows the key is ternary and consistent across its limbs. Every temporary buffer is wiped.
/// </summary>
internal static class SecretKeyCodec
{
    public const byte PackedForm = 0;
    public const byte TernaryForm = 1;

    /// <summary>The payload size of a key of either form.</summary>
    public static long Size(RlweContext context, bool ternary) =>
        1 + (ternary ? context.N / 4 : PayloadWriter.PolySize(context, context.KeyLimbCount));

    /// <summary>The largest payload a valid secret key has under <paramref name="context"/>.</summary>
    public static long MaxSize(RlweContext context) => Size(context, ternary: false);

    /// <summary>Whether the key is the NTT form of a ternary polynomial (then it is saved in 2-bit form).</summary>
    public static bool IsTernary(SecretKey key) => TryEncodeTernary(key, []);

    public static void Write(SecretKey key, bool ternary, Span<byte> destination)
    {
        destination[0] = ternary ? TernaryForm : PackedForm;
        if (!ternary)
        {
            new PayloadWriter(destination[1..]).WritePoly(key.Context, key.Data, key.Context.KeyLimbCount);
        }
        else if (!TryEncodeTernary(key, destination[1..]))
        {
            throw new InvalidOperationException("The secret key changed while it was being saved.");
        }
    }

    public static SecretKey Read(RlweContext context, ReadOnlySpan<byte> raw)
    {
        var reader = new PayloadReader(raw);
        byte form = reader.ReadBytes(1, "secret key form")[0];
        if (form is not (PackedForm or TernaryForm))
        {
            throw new CkksFormatException($"Unknown secret key form {form}.");
        }

        bool ternary = form == TernaryForm;
        if (raw.Length != Size(context, ternary))
        {
            throw new CkksFormatException($"The payload has {raw.Length} bytes; a {(ternary ? "ternary" : "packed")} secret key under these parameters takes exactly {Size(context, ternary)}.");
        }

        int n = context.N, limbs = context.KeyLimbCount;
        var data = new ulong[limbs * n];
        if (!ternary)
        {
            try
            {
                reader.ReadPoly(context, limbs, data, "the secret key");
            }
            catch (CkksFormatException)
            {
                Array.Clear(data);
                throw;
            }

            return new SecretKey(context, data);
        }

        ReadOnlySpan<byte> packed = reader.ReadBytes(n / 4, "ternary coefficients");
        var small = new sbyte[n];
        try
        {
            for (int j = 0; j < n; j++)
            {
                int code = (packed[j >> 2] >> ((j & 3) * 2)) & 3;
                if (code == 3)
                {
                    throw new CkksFormatException($"Coefficient {j} of the ternary secret key has the invalid code 3.");
                }

                small[j] = (sbyte)(code == 2 ? -1 : code);
            }

            Samplers.ToRns(small, context.KeyModuli, data);
            for (int i = 0; i < limbs; i++)
            {
                context.Ntt[i].Forward(data.AsSpan(i * n, n));
            }
        }
        catch (CkksFormatException)
        {
            Array.Clear(data);
            throw;
        }
        finally
        {
            Array.Clear(small);
        }

        return new SecretKey(context, data);
    }

    /// <summary>
    /// Recovers the ternary coefficients from limb 0, checks that they reproduce every limb, and packs them into
    /// <paramref name="destination"/> (N/4 bytes, or empty to check only).
    /// </summary>
    private static bool TryEncodeTernary(SecretKey key, Span<byte> destination)
    {
        RlweContext context = key.Context;
        int n = context.N;
        var limb = new ulong[n];
        var small = new sbyte[n];
        try
        {
            key.Data.AsSpan(0, n).CopyTo(limb);
            context.Ntt[0].Inverse(limb);
            ulong q0 = context.KeyModuli[0].Value;
            for (int j = 0; j < n; j++)
            {
                ulong v = limb[j];
                if (v > 1 && v != q0 - 1)
                {
                    return false;
                }

                small[j] = v == q0 - 1 ? (sbyte)-1 : (sbyte)v;
            }

            for (int i = 0; i < context.KeyLimbCount; i++)
            {
                Samplers.ToRns(small, context.KeyModuli.AsSpan(i, 1), limb);
                context.Ntt[i].Forward(limb);
                if (!limb.AsSpan().SequenceEqual(key.Data.AsSpan(i * n, n)))
                {
                    return false;
                }
            }

            if (!destination.IsEmpty)
            {
                destination[..(n / 4)].Clear();
                for (int j = 0; j < n; j++)
                {
                    int code = small[j] < 0 ? 2 : small[j];
                    destination[j >> 2] |= (byte)(code << ((j & 3) * 2));
                }
            }

            return true;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(limb.AsSpan()));
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(small.AsSpan()));
        }
    }
}
