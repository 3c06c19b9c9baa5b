using System.Buffers.Binary;
using Org.BouncyCastle.Crypto.Digests;

namespace Thestage.Proofs.Hashing;

/// <summary>
/// A deterministic salt stream expanded from a secret 32-byte seed: block <c>i</c> is BLAKE2s-256 in keyed mode with the
/// seed as key and the personalization <c>"tsalt/v1"</c>, of the little-endian <c>u64 i</c>, read in order. The same seed always yields the same salts, so whoever keeps the seed
/// can commit to the same data again and obtain the same root — a prover keeps 32 bytes per commitment instead of its salts
/// or its whole Merkle tree.
/// </summary>
/// <remarks>
/// Hiding: the salts are pseudorandom rather than random, so the unopened leaves are hidden as long as the seed is secret
/// and keyed BLAKE2s is a pseudorandom function, the use its keyed mode is designed for (RFC 7693; Aumasson, Neves,
/// Wilcox-O'Hearn, Winnerlein, "BLAKE2: simpler, smaller, fast as MD5", ACNS 2013). Seeds must come from a cryptographically
/// secure source (<see cref="RandomSaltSource"/>). Not thread-safe: one instance per commitment.
/// </remarks>
internal sealed class DerivedSaltSource : ISaltSource
{
    /// <summary>The seed length in bytes.</summary>
    public const int SeedLength = 32;

    private readonly Blake2sDigest _digest;
    private readonly byte[] _block = new byte[Digest256.Length];
    private ulong _counter;
    private int _position = Digest256.Length;

    /// <summary>Initializes the stream of a seed.</summary>
    /// <param name="seed">Exactly <see cref="SeedLength"/> secret bytes (copied).</param>
    public DerivedSaltSource(ReadOnlySpan<byte> seed)
    {
        if (seed.Length != SeedLength)
        {
            throw new ArgumentException("A salt seed is exactly 32 bytes.", nameof(seed));
        }

        _digest = new Blake2sDigest(seed.ToArray(), Digest256.Length, null, "tsalt/v1"u8.ToArray());
    }

    /// <inheritdoc />
    public void Fill(Span<byte> salt)
    {
        Span<byte> counter = stackalloc byte[8];
        while (!salt.IsEmpty)
        {
            if (_position == _block.Length)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(counter, _counter++);
                _digest.BlockUpdate(counter);
                _digest.DoFinal(_block); // and resets to the keyed initial state
                _position = 0;
            }

            int take = Math.Min(salt.Length, _block.Length - _position);
            _block.AsSpan(_position, take).CopyTo(salt);
            _position += take;
            salt = salt[take..];
        }
    }
}
