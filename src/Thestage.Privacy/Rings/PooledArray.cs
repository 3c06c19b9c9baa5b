using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Thestage.Privacy.Rings;

/// <summary>
/// Scratch space rented from <see cref="ArrayPool{T}.Shared"/> and owned by one scope: <see cref="Dispose"/> returns it,
/// after wiping it when it was rented as <c>sensitive</c>. Use with <c>using var</c>; it is a struct (renting allocates
/// nothing), so it must not be copied and disposed twice.
/// </summary>
/// <remarks>
/// The shared pool hands a returned array, contents included, to the next renter — on the same thread through its
/// thread-local slot, on any thread through its per-core stacks. So an array that held secret-dependent data (the
/// key, a·s, an error, u, a decrypted or to-be-encrypted message) must be wiped before it goes back: after
/// <c>CreatePublicKey</c> the next <c>Rent(N)</c> used to return a·s mod P, and the public a gave the whole key
/// (issue 10, item 1; <c>Attacks/SharedPoolKeyRecoveryAttacks</c>). Only the <see cref="Length"/> elements the scope
/// could have written are wiped, with <see cref="CryptographicOperations.ZeroMemory"/> (never elided). Buffers of
/// public data (the evaluator's key switching and rescaling, serialization of public objects) are rented with
/// <c>sensitive: false</c> and cost nothing extra.
/// </remarks>
/// <typeparam name="T">An unmanaged element type.</typeparam>
internal struct PooledArray<T> : IDisposable
    where T : unmanaged
{
    private T[]? _array;

    private PooledArray(int length, bool sensitive)
    {
        _array = ArrayPool<T>.Shared.Rent(length);
        Length = length;
        Sensitive = sensitive;
    }

    /// <summary>The number of elements in use (the rented array may be longer).</summary>
    public readonly int Length { get; }

    /// <summary>Whether the elements in use are wiped before the array is returned.</summary>
    public readonly bool Sensitive { get; }

    /// <summary>The rented array; only its first <see cref="Length"/> elements belong to this scope.</summary>
    public readonly T[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledArray<T>));

    /// <summary>The elements in use.</summary>
    public readonly Span<T> Span => Array.AsSpan(0, Length);

    /// <summary>The elements in use, for work that crosses a lambda or thread.</summary>
    public readonly Memory<T> Memory => Array.AsMemory(0, Length);

    /// <summary>Rents at least <paramref name="length"/> elements; their content is undefined.</summary>
    /// <param name="length">The number of elements needed.</param>
    /// <param name="sensitive">True when the elements will hold secret-dependent data: they are wiped on <see cref="Dispose"/>.</param>
    public static PooledArray<T> Rent(int length, bool sensitive) => new(length, sensitive);

    /// <summary>Wipes the elements in use if <see cref="Sensitive"/>, then returns the array to the pool.</summary>
    public void Dispose()
    {
        T[]? array = _array;
        if (array is null)
        {
            return;
        }

        _array = null;
        if (Sensitive)
        {
            CryptographicOperations.ZeroMemory(MemoryMarshal.AsBytes(array.AsSpan(0, Length)));
        }

        ArrayPool<T>.Shared.Return(array);
    }
}
