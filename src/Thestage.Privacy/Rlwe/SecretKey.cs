using System.Security.Cryptography;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// The secret key s, a ternary polynomial kept in NTT form modulo every prime of the chain, special prime included.
/// </summary>
/// <remarks>
/// Never serialized implicitly: no member exposes its coefficients, and serialization (where it exists)
/// offers it only through an explicitly named method. <see cref="Dispose"/> wipes the key from memory.
/// </remarks>
public sealed class SecretKey : IDisposable
{
    internal SecretKey(RlweContext context, ulong[] data)
    {
        Context = context;
        Data = data;
    }

    internal RlweContext Context { get; }

    /// <summary>Key-level limbs (all primes, special prime last), NTT form.</summary>
    internal ulong[] Data { get; }

    /// <summary>True once the key has been wiped.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Overwrites the key material with zeros.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Data.AsSpan()));
        IsDisposed = true;
    }

    /// <inheritdoc/>
    public override string ToString() => "SecretKey (redacted)";

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(IsDisposed, this);
}
