using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;

namespace Thestage.Proofs.Hashing;

/// <summary>
/// BLAKE2s-256 (RFC 7693) of many equal-length Merkle messages at once, one message per 32-bit SIMD lane: the salted
/// column leaves of a Ligero matrix (<see cref="HashColumns"/>) and the internal nodes of a tree level
/// (<see cref="HashNodes"/>). The digests are exactly <see cref="MerkleHasher"/>'s (BouncyCastle's <c>Blake2sDigest</c>);
/// without AVX2 these methods call it.
/// </summary>
/// <remarks>
/// <para>
/// Multi-lane hashing of independent messages is the "multi-buffer" technique of Gueron and Krasnov (Intel, "Parallelizing
/// message schedules to accelerate the computations of hash functions", 2012) applied to BLAKE2s: the compression function
/// runs unchanged with every state word a register of 16 (AVX-512) or 8 (AVX2) lanes, one message each. Every message of a
/// call has the same length, so the block counters and the final-block flag are shared.
/// </para>
/// <para>
/// The message words are formed from the data in place, without copying the messages: a leaf is
/// <c>0x00 ‖ salt (16 bytes) ‖ column entries (8 bytes each)</c>, so after the prefix byte every word straddles two
/// 8-byte entries: word <c>5 + 2i</c> is bits 24…55 of entry <c>i</c> and word <c>6 + 2i</c> is its top byte followed by the
/// low three bytes of entry <c>i + 1</c>. The entries of one row for <see cref="IBlake2sLanes{TV}.Count"/> consecutive columns
/// are contiguous in the row-major matrix, so each word is two vector loads, shifts and a narrowing. A node is
/// <c>0x01 ‖ left ‖ right</c>, 65 bytes: two compressions on words shifted by one byte, gathered from the children.
/// </para>
/// </remarks>
internal static unsafe class Blake2sMultiHash
{
    /// <summary>The number of columns (or parents) from which a call is split over the cores.</summary>
    private const int ParallelThreshold = 512;

    private static ReadOnlySpan<uint> InitialVector =>
        [0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19];

    private static ReadOnlySpan<byte> Sigma =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3,
        11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4,
        7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8,
        9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13,
        2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9,
        12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11,
        13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10,
        6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5,
        10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0,
    ];

    /// <summary>Gets the number of messages one call hashes together here: 16 (AVX-512), 8 (AVX2) or 1.</summary>
    public static int Lanes => Vector512Blake2sLanes.IsSupported ? Vector512Blake2sLanes.Count : Vector256Blake2sLanes.IsSupported ? Vector256Blake2sLanes.Count : 1;

    /// <summary>Rounds <paramref name="count"/> up to a whole number of <see cref="Lanes"/> (so a caller can pad a batch with ignored messages).</summary>
    public static int RoundUpToLanes(int count) => (count + Lanes - 1) / Lanes * Lanes;

    /// <summary>
    /// Writes <c>leaves[j] = H(0x00 ‖ salts[16j … 16j + 16) ‖ matrix[0][j] ‖ … ‖ matrix[rows − 1][j])</c> (entries as 8 little-endian
    /// bytes) for every column <c>j</c> of the row-major <paramref name="rows"/> × <paramref name="columns"/> matrix.
    /// </summary>
    public static void HashColumns(ReadOnlySpan<Goldilocks> matrix, int rows, int columns, ReadOnlySpan<byte> salts, Span<Digest256> leaves)
    {
        fixed (Goldilocks* m = matrix)
        fixed (byte* s = salts)
        fixed (Digest256* l = leaves)
        {
            var job = new ColumnJob((ulong*)m, rows, columns, s, l);
            int groups = (columns + 15) / 16;
            if (columns >= ParallelThreshold)
            {
                Parallel.For(0, Environment.ProcessorCount, c => job.Run(groups * c / Environment.ProcessorCount * 16, Math.Min(columns, groups * (c + 1) / Environment.ProcessorCount * 16)));
            }
            else
            {
                job.Run(0, columns);
            }
        }
    }

    /// <summary>Writes <c>parents[i] = H(0x01 ‖ children[2i] ‖ children[2i + 1])</c>.</summary>
    public static void HashNodes(ReadOnlySpan<Digest256> children, Span<Digest256> parents)
    {
        fixed (Digest256* c = children)
        fixed (Digest256* p = parents)
        {
            var job = new NodeJob(c, p);
            int count = parents.Length;
            int groups = (count + 15) / 16;
            if (count >= ParallelThreshold)
            {
                Parallel.For(0, Environment.ProcessorCount, k => job.Run(groups * k / Environment.ProcessorCount * 16, Math.Min(count, groups * (k + 1) / Environment.ProcessorCount * 16)));
            }
            else
            {
                job.Run(0, count);
            }
        }
    }

    /// <summary>Columns <c>[start, end)</c> in whole groups of lanes at width <typeparamref name="TLanes"/>; returns where the rest starts.</summary>
    internal static int HashColumns<TLanes, TV>(ulong* matrix, int rows, int columns, byte* salts, Digest256* leaves, int start, int end)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        int lanes = TLanes.Count;
        int length = 17 + (8 * rows); // never a multiple of 64 (it is odd), so the last block is partial
        int blocks = (length / 64) + 1;
        TV* h = stackalloc TV[8];
        TV* words = stackalloc TV[16];
        int j = start;
        for (; j + lanes <= end; j += lanes)
        {
            Initialize<TLanes, TV>(h);
            uint* salt = (uint*)(salts + (16 * j));
            TV s0 = TLanes.Gather(salt, 4), s1 = TLanes.Gather(salt + 1, 4), s2 = TLanes.Gather(salt + 2, 4), s3 = TLanes.Gather(salt + 3, 4);
            for (int b = 0; b < blocks; b++)
            {
                for (int w = 0; w < 16; w++)
                {
                    int m = (16 * b) + w;
                    words[w] = m switch
                    {
                        0 => TLanes.ShiftLeft(s0, 8),
                        1 => TLanes.Or(TLanes.ShiftRightLogical(s0, 24), TLanes.ShiftLeft(s1, 8)),
                        2 => TLanes.Or(TLanes.ShiftRightLogical(s1, 24), TLanes.ShiftLeft(s2, 8)),
                        3 => TLanes.Or(TLanes.ShiftRightLogical(s2, 24), TLanes.ShiftLeft(s3, 8)),
                        4 => TLanes.Or(TLanes.ShiftRightLogical(s3, 24), TLanes.NarrowShiftedLeft(in matrix[j], 8)),
                        _ => EntryWord<TLanes, TV>(matrix, rows, columns, j, m - 5),
                    };
                }

                bool last = b == blocks - 1;
                Compress<TLanes, TV>(h, words, last ? (uint)length : (uint)(64 * (b + 1)), last);
            }

            StoreDigests<TLanes, TV>(h, leaves + j);
        }

        return j;
    }

    /// <summary>Parents <c>[start, end)</c> in whole groups of lanes; returns where the rest starts.</summary>
    internal static int HashNodes<TLanes, TV>(Digest256* children, Digest256* parents, int start, int end)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        int lanes = TLanes.Count;
        TV* h = stackalloc TV[8];
        TV* words = stackalloc TV[16];
        int i = start;
        for (; i + lanes <= end; i += lanes)
        {
            Initialize<TLanes, TV>(h);
            uint* data = (uint*)(children + (2 * i)); // 16 words per parent
            TV previous = TLanes.Gather(data, 16);
            words[0] = TLanes.Or(TLanes.Create(MerkleHasher.NodePrefix), TLanes.ShiftLeft(previous, 8));
            for (int w = 1; w < 16; w++)
            {
                TV current = TLanes.Gather(data + w, 16);
                words[w] = TLanes.Or(TLanes.ShiftRightLogical(previous, 24), TLanes.ShiftLeft(current, 8));
                previous = current;
            }

            Compress<TLanes, TV>(h, words, 64, false);
            words[0] = TLanes.ShiftRightLogical(previous, 24);
            for (int w = 1; w < 16; w++)
            {
                words[w] = default;
            }

            Compress<TLanes, TV>(h, words, 65, true);
            StoreDigests<TLanes, TV>(h, parents + i);
        }

        return i;
    }

    /// <summary>Message word <c>5 + q</c> of a leaf (see remarks): bits of entries <c>q/2</c> and <c>q/2 + 1</c>, zero past the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV EntryWord<TLanes, TV>(ulong* matrix, int rows, int columns, int column, int q)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        int i = q >> 1;
        if (i >= rows)
        {
            return default;
        }

        ref ulong entry = ref matrix[((long)i * columns) + column];
        if ((q & 1) == 0)
        {
            return TLanes.NarrowShiftedRight(in entry, 24);
        }

        TV top = TLanes.NarrowShiftedRight(in entry, 56);
        return i + 1 < rows ? TLanes.Or(top, TLanes.NarrowShiftedLeft(in matrix[((long)(i + 1) * columns) + column], 8)) : top;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Initialize<TLanes, TV>(TV* h)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        // Parameter block of an unkeyed 32-byte digest: h0 ^= 0x01010000 ^ (key length << 8) ^ digest length.
        h[0] = TLanes.Create(InitialVector[0] ^ 0x01010020u);
        for (int w = 1; w < 8; w++)
        {
            h[w] = TLanes.Create(InitialVector[w]);
        }
    }

    /// <summary>RFC 7693 §3.2, the compression function F, on every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compress<TLanes, TV>(TV* h, TV* m, uint counter, bool last)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        TV v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        TV v8 = TLanes.Create(InitialVector[0]), v9 = TLanes.Create(InitialVector[1]);
        TV v10 = TLanes.Create(InitialVector[2]), v11 = TLanes.Create(InitialVector[3]);
        TV v12 = TLanes.Create(InitialVector[4] ^ counter), v13 = TLanes.Create(InitialVector[5]);
        TV v14 = TLanes.Create(last ? ~InitialVector[6] : InitialVector[6]), v15 = TLanes.Create(InitialVector[7]);
        ReadOnlySpan<byte> sigma = Sigma;
        for (int round = 0; round < 10; round++)
        {
            ReadOnlySpan<byte> s = sigma.Slice(16 * round, 16);
            G<TLanes, TV>(ref v0, ref v4, ref v8, ref v12, m[s[0]], m[s[1]]);
            G<TLanes, TV>(ref v1, ref v5, ref v9, ref v13, m[s[2]], m[s[3]]);
            G<TLanes, TV>(ref v2, ref v6, ref v10, ref v14, m[s[4]], m[s[5]]);
            G<TLanes, TV>(ref v3, ref v7, ref v11, ref v15, m[s[6]], m[s[7]]);
            G<TLanes, TV>(ref v0, ref v5, ref v10, ref v15, m[s[8]], m[s[9]]);
            G<TLanes, TV>(ref v1, ref v6, ref v11, ref v12, m[s[10]], m[s[11]]);
            G<TLanes, TV>(ref v2, ref v7, ref v8, ref v13, m[s[12]], m[s[13]]);
            G<TLanes, TV>(ref v3, ref v4, ref v9, ref v14, m[s[14]], m[s[15]]);
        }

        h[0] = TLanes.Xor(h[0], TLanes.Xor(v0, v8));
        h[1] = TLanes.Xor(h[1], TLanes.Xor(v1, v9));
        h[2] = TLanes.Xor(h[2], TLanes.Xor(v2, v10));
        h[3] = TLanes.Xor(h[3], TLanes.Xor(v3, v11));
        h[4] = TLanes.Xor(h[4], TLanes.Xor(v4, v12));
        h[5] = TLanes.Xor(h[5], TLanes.Xor(v5, v13));
        h[6] = TLanes.Xor(h[6], TLanes.Xor(v6, v14));
        h[7] = TLanes.Xor(h[7], TLanes.Xor(v7, v15));
    }

    /// <summary>RFC 7693 §3.1, the mixing function G (rotations 16, 12, 8, 7).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<TLanes, TV>(ref TV a, ref TV b, ref TV c, ref TV d, TV x, TV y)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        a = TLanes.Add(TLanes.Add(a, b), x);
        d = TLanes.RotateRight(TLanes.Xor(d, a), 16);
        c = TLanes.Add(c, d);
        b = TLanes.RotateRight(TLanes.Xor(b, c), 12);
        a = TLanes.Add(TLanes.Add(a, b), y);
        d = TLanes.RotateRight(TLanes.Xor(d, a), 8);
        c = TLanes.Add(c, d);
        b = TLanes.RotateRight(TLanes.Xor(b, c), 7);
    }

    /// <summary>Lane l's digest is the little-endian words <c>h[0][l] … h[7][l]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreDigests<TLanes, TV>(TV* h, Digest256* destination)
        where TLanes : struct, IBlake2sLanes<TV>
        where TV : unmanaged
    {
        int lanes = TLanes.Count;
        uint* words = stackalloc uint[8 * 16];
        for (int w = 0; w < 8; w++)
        {
            TLanes.Store(h[w], words + (w * lanes));
        }

        uint* output = (uint*)destination;
        for (int l = 0; l < lanes; l++)
        {
            for (int w = 0; w < 8; w++)
            {
                output[(8 * l) + w] = words[(w * lanes) + l];
            }
        }
    }

    /// <summary>A column-hashing call's pinned arguments, so that chunks can run on several threads.</summary>
    private readonly struct ColumnJob(ulong* matrix, int rows, int columns, byte* salts, Digest256* leaves)
    {
        public void Run(int start, int end)
        {
            if (Vector512Blake2sLanes.IsSupported)
            {
                start = HashColumns<Vector512Blake2sLanes, Vector512<uint>>(matrix, rows, columns, salts, leaves, start, end);
            }
            else if (Vector256Blake2sLanes.IsSupported)
            {
                start = HashColumns<Vector256Blake2sLanes, Vector256<uint>>(matrix, rows, columns, salts, leaves, start, end);
            }

            HashColumnsScalar(matrix, rows, columns, salts, leaves, start, end);
        }
    }

    /// <summary>A node-hashing call's pinned arguments.</summary>
    private readonly struct NodeJob(Digest256* children, Digest256* parents)
    {
        public void Run(int start, int end)
        {
            if (Vector512Blake2sLanes.IsSupported)
            {
                start = HashNodes<Vector512Blake2sLanes, Vector512<uint>>(children, parents, start, end);
            }
            else if (Vector256Blake2sLanes.IsSupported)
            {
                start = HashNodes<Vector256Blake2sLanes, Vector256<uint>>(children, parents, start, end);
            }

            for (int i = start; i < end; i++)
            {
                parents[i] = MerkleHasher.HashNode(children[2 * i], children[(2 * i) + 1]);
            }
        }
    }

    /// <summary>The definition, one column at a time through <see cref="MerkleHasher.HashLeaf"/>.</summary>
    internal static void HashColumnsScalar(ulong* matrix, int rows, int columns, byte* salts, Digest256* leaves, int start, int end)
    {
        Span<byte> payload = rows <= 512 ? stackalloc byte[8 * rows] : new byte[8 * rows];
        for (int j = start; j < end; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(payload[(8 * i)..], matrix[((long)i * columns) + j]);
            }

            leaves[j] = MerkleHasher.HashLeaf(new ReadOnlySpan<byte>(salts + (16 * j), MerkleHasher.SaltLength), payload);
        }
    }
}
