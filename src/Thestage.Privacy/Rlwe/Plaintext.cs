namespace Thestage.Privacy.Rlwe;

/// <summary>
/// An encoded message: one RNS polynomial modulo q₀·…·q_ℓ, in NTT form, with the scale Δ it was encoded at.
/// </summary>
/// <remarks>Created by an encoder (<c>CkksEncoder</c>) or a decryptor; bound to the context that made it.</remarks>
public sealed class Plaintext
{
    internal Plaintext(RlweContext context, int level, double scale)
    {
        Context = context;
        Level = level;
        Scale = scale;
        Data = new ulong[(level + 1) * context.N];
    }

    internal Plaintext(RlweContext context, int level, double scale, ulong[] data)
    {
        Context = context;
        Level = level;
        Scale = scale;
        Data = data;
    }

    /// <summary>The data level ℓ: the plaintext has ℓ + 1 RNS limbs.</summary>
    public int Level { get; private set; }

    /// <summary>The number of primes in this plaintext's modulus, <see cref="Level"/> + 1.</summary>
    public int CoeffModulusCount => Level + 1;

    /// <summary>The scale Δ of the encoding.</summary>
    public double Scale { get; internal set; }

    /// <summary>The polynomial modulus degree N.</summary>
    public int PolyModulusDegree => Context.N;

    internal RlweContext Context { get; }

    /// <summary>Limb-major RNS coefficients in NTT form: limb i at [i·N, (i+1)·N).</summary>
    internal ulong[] Data { get; private set; }

    /// <summary>Drops the limbs above <paramref name="level"/> (modulus switching keeps the message and scale).</summary>
    internal void DropToLevel(int level)
    {
        Data = Data.AsSpan(0, (level + 1) * Context.N).ToArray();
        Level = level;
    }

    internal Span<ulong> Limb(int i) => Data.AsSpan(i * Context.N, Context.N);
}
