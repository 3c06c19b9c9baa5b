using System.Buffers.Binary;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Transcripts;

/// <summary>
/// A Fiat–Shamir transcript: a BLAKE2s-256 hash chain that absorbs every prover message with its
/// label and length, and derives verifier challenges (field elements, indices, bytes) from
/// everything absorbed so far.
/// </summary>
/// <remarks>
/// <para>
/// Fiat and Shamir, "How to prove yourself", CRYPTO 1986; the labelled, length-delimited absorb /
/// squeeze discipline follows Merlin (Valence et al.) and the hash-chain analysis of Canetti et al.,
/// "Fiat–Shamir: from practice to theory", STOC 2019. The 32-byte state evolves as
/// <list type="bullet">
/// <item><description>start: <c>s = H(0x10 ‖ len(protocol) ‖ protocol)</c>;</description></item>
/// <item><description>absorb: <c>s = H(0x11 ‖ s ‖ len(label) ‖ label ‖ len(data) ‖ data)</c> (lengths as little-endian integers);</description></item>
/// <item><description>challenge: <c>seed = H(0x12 ‖ s ‖ len(label) ‖ label)</c>, then <c>s = H(0x13 ‖ seed)</c>, and the
/// challenge is read from the stream <c>H(0x14 ‖ seed ‖ 0) ‖ H(0x14 ‖ seed ‖ 1) ‖ …</c>.</description></item>
/// </list>
/// Field elements are sampled by rejection (exactly uniform) and indices in <c>[0, n)</c> by rejecting
/// words above the largest multiple of <c>n</c>, so neither is biased. Protocols must absorb each
/// prover message before drawing any challenge that depends on it. Not thread-safe.
/// </para>
/// </remarks>
public sealed class Transcript
{
    private const byte StartTag = 0x10;
    private const byte AbsorbTag = 0x11;
    private const byte ChallengeTag = 0x12;
    private const byte RatchetTag = 0x13;
    private const byte StreamTag = 0x14;
    private const int MaxLabelBytes = 255;

    private readonly Blake2sDigest _digest = new(256);
    private readonly byte[] _state = new byte[32];

    /// <summary>Initializes a new transcript bound to a protocol name.</summary>
    /// <param name="protocolLabel">A protocol domain separator (at most 255 UTF-8 bytes).</param>
    /// <exception cref="ArgumentException">The label is too long.</exception>
    public Transcript(string protocolLabel)
    {
        _digest.Update(StartTag);
        UpdateLabel(protocolLabel);
        _digest.DoFinal(_state);
    }

    /// <summary>Absorbs a labelled byte string.</summary>
    /// <param name="label">The message label.</param>
    /// <param name="data">The message bytes.</param>
    public void AbsorbBytes(string label, ReadOnlySpan<byte> data)
    {
        BeginAbsorb(label, (ulong)data.Length);
        _digest.BlockUpdate(data);
        _digest.DoFinal(_state);
    }

    /// <summary>Absorbs a labelled 64-bit integer (e.g. a dimension) as 8 little-endian bytes, whatever the host order.</summary>
    /// <param name="label">The message label.</param>
    /// <param name="value">The value.</param>
    public void AbsorbUInt64(string label, ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        AbsorbBytes(label, bytes);
    }

    /// <summary>Absorbs a labelled digest (e.g. a commitment root).</summary>
    /// <param name="label">The message label.</param>
    /// <param name="digest">The digest.</param>
    public void AbsorbDigest(string label, Digest256 digest)
    {
        Span<byte> bytes = stackalloc byte[Digest256.Length];
        digest.WriteTo(bytes);
        AbsorbBytes(label, bytes);
    }

    /// <summary>Absorbs one labelled field element.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="label">The message label.</param>
    /// <param name="element">The element.</param>
    public void Absorb<T>(string label, T element)
        where T : struct, IField<T> => Absorb(label, new ReadOnlySpan<T>(in element));

    /// <summary>Absorbs a labelled vector of field elements (its length is bound through the byte length).</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="label">The message label.</param>
    /// <param name="elements">The elements.</param>
    public void Absorb<T>(string label, ReadOnlySpan<T> elements)
        where T : struct, IField<T>
    {
        int size = T.EncodedLength;
        BeginAbsorb(label, (ulong)elements.Length * (ulong)size);
        Span<byte> buffer = stackalloc byte[size];
        foreach (T element in elements)
        {
            element.WriteTo(buffer);
            _digest.BlockUpdate(buffer);
        }

        _digest.DoFinal(_state);
    }

    /// <summary>Draws one uniformly distributed field element.</summary>
    /// <typeparam name="T">The field (normally an extension field).</typeparam>
    /// <param name="label">The challenge label.</param>
    /// <returns>The challenge.</returns>
    public T Challenge<T>(string label)
        where T : struct, IField<T> => T.Sample(BeginChallenge(label));

    /// <summary>Draws several independent uniformly distributed field elements under one label.</summary>
    /// <typeparam name="T">The field.</typeparam>
    /// <param name="label">The challenge label.</param>
    /// <param name="count">The number of elements.</param>
    /// <returns>The challenges.</returns>
    public T[] Challenges<T>(string label, int count)
        where T : struct, IField<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ChallengeStream stream = BeginChallenge(label);
        var result = new T[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = T.Sample(stream);
        }

        return result;
    }

    /// <summary>Draws one index uniformly from <c>[0, bound)</c>.</summary>
    /// <param name="label">The challenge label.</param>
    /// <param name="bound">The exclusive upper bound, positive.</param>
    /// <returns>The index.</returns>
    public int ChallengeIndex(string label, int bound) => ChallengeIndices(label, bound, 1)[0];

    /// <summary>Draws independent indices uniformly from <c>[0, bound)</c> (with repetition).</summary>
    /// <param name="label">The challenge label.</param>
    /// <param name="bound">The exclusive upper bound, positive.</param>
    /// <param name="count">The number of indices.</param>
    /// <returns>The indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is not positive or <paramref name="count"/> is negative.</exception>
    public int[] ChallengeIndices(string label, int bound, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ChallengeStream stream = BeginChallenge(label);
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = Below(stream, bound);
        }

        return result;
    }

    /// <summary>
    /// Draws <paramref name="count"/> distinct indices from <c>[0, bound)</c>, uniformly among all ordered samples without
    /// replacement: the first <paramref name="count"/> swaps of a Fisher–Yates shuffle (Knuth, TAOCP vol. 2, Algorithm 3.4.2P)
    /// on one challenge stream, the <c>i</c>-th swap partner uniform in <c>[i, bound)</c>. A draw of <c>k' &gt; k</c> indices from
    /// the same state begins with the <c>k</c> of the shorter draw, so the sample size cannot be used to choose the sample.
    /// </summary>
    /// <param name="label">The challenge label.</param>
    /// <param name="bound">The exclusive upper bound, positive.</param>
    /// <param name="count">The number of indices, in <c>[0, bound]</c>.</param>
    /// <returns>The indices, in draw order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bound"/> is not positive or <paramref name="count"/> is outside <c>[0, bound]</c>.</exception>
    public int[] ChallengeDistinctIndices(string label, int bound, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, bound);
        ChallengeStream stream = BeginChallenge(label);
        var moved = new Dictionary<int, int>(); // position → value, for the positions a swap has changed
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            int j = i + Below(stream, bound - i);
            result[i] = moved.TryGetValue(j, out int atJ) ? atJ : j;
            moved[j] = moved.TryGetValue(i, out int atI) ? atI : i;
        }

        return result;
    }

    /// <summary>Fills a buffer with challenge bytes.</summary>
    /// <param name="label">The challenge label.</param>
    /// <param name="destination">The destination buffer.</param>
    public void ChallengeBytes(string label, Span<byte> destination)
    {
        ChallengeStream stream = BeginChallenge(label);
        Span<byte> word = stackalloc byte[8];
        for (int offset = 0; offset < destination.Length; offset += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(word, stream.NextUInt64());
            word[..Math.Min(8, destination.Length - offset)].CopyTo(destination[offset..]);
        }
    }

    /// <summary>A uniform index in <c>[0, bound)</c>: 64-bit words above the largest multiple of <c>bound</c> are rejected.</summary>
    private static int Below(ChallengeStream stream, int bound)
    {
        ulong n = (ulong)bound;
        ulong excess = ((ulong.MaxValue % n) + 1) % n; // 2^64 mod n
        ulong limit = 0UL - excess;                   // 2^64 − excess, as a wrapped value (0 means "accept all")
        ulong word;
        do
        {
            word = stream.NextUInt64();
        }
        while (excess != 0 && word >= limit);

        return (int)(word % n);
    }

    private void BeginAbsorb(string label, ulong dataLength)
    {
        _digest.Update(AbsorbTag);
        _digest.BlockUpdate(_state);
        UpdateLabel(label);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, dataLength);
        _digest.BlockUpdate(length);
    }

    private ChallengeStream BeginChallenge(string label)
    {
        // The tests' simulators program the oracle at this state (ChallengeProgram; null in production).
        ulong[]? programmed = ChallengeProgram.Current?.Lookup(_state, label);
        var seed = new byte[32];
        _digest.Update(ChallengeTag);
        _digest.BlockUpdate(_state);
        UpdateLabel(label);
        _digest.DoFinal(seed);

        _digest.Update(RatchetTag);
        _digest.BlockUpdate(seed);
        _digest.DoFinal(_state);
        return new ChallengeStream(_digest, seed, programmed);
    }

    private void UpdateLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        int byteCount = Encoding.UTF8.GetByteCount(label);
        if (byteCount > MaxLabelBytes)
        {
            throw new ArgumentException("Labels are at most 255 UTF-8 bytes.", nameof(label));
        }

        Span<byte> bytes = stackalloc byte[1 + MaxLabelBytes];
        bytes[0] = (byte)byteCount;
        Encoding.UTF8.GetBytes(label, bytes[1..]);
        _digest.BlockUpdate(bytes[..(1 + byteCount)]);
    }

    /// <summary>
    /// The output stream of one challenge, <c>H(0x14 ‖ seed ‖ counter)</c> blocks read as 64-bit words; a programmed challenge
    /// (<see cref="ChallengeProgram"/>, tests only) reads its programmed words first.
    /// </summary>
    private sealed class ChallengeStream(Blake2sDigest digest, byte[] seed, ulong[]? programmed) : IUniformWordSource
    {
        private readonly byte[] _block = new byte[32];
        private ulong _counter;
        private int _position = 32;
        private int _replayed;

        public ulong NextUInt64()
        {
            if (programmed is not null && _replayed < programmed.Length)
            {
                return programmed[_replayed++];
            }

            if (_position == _block.Length)
            {
                Span<byte> counter = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(counter, _counter++);
                digest.Update(StreamTag);
                digest.BlockUpdate(seed);
                digest.BlockUpdate(counter);
                digest.DoFinal(_block);
                _position = 0;
            }

            ulong word = BinaryPrimitives.ReadUInt64LittleEndian(_block.AsSpan(_position));
            _position += 8;
            return word;
        }
    }
}
