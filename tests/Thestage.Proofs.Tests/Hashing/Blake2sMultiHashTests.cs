using System.Runtime.Intrinsics;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;

namespace Thestage.Proofs.Tests.Hashing;

/// <summary>
/// <see cref="Blake2sMultiHash"/> against <see cref="MerkleHasher"/> (BouncyCastle's BLAKE2s, an independent implementation)
/// at every width: column leaves for row counts that end the message anywhere in a block (and across blocks), column
/// counts with every tail and above the parallel threshold, and internal nodes. CI reruns this class with AVX-512 and with
/// all hardware intrinsics switched off.
/// </summary>
public sealed unsafe class Blake2sMultiHashTests
{
    private enum Width
    {
        Dispatched,
        Vector512,
        Vector256,
    }

    public static TheoryData<int, int> ColumnShapes()
    {
        var data = new TheoryData<int, int>();
        foreach (int rows in (int[])[1, 2, 3, 5, 6, 7, 8, 13, 16, 31, 56, 57, 64, 128])
        {
            foreach (int columns in (int[])[1, 7, 16, 17, 40])
            {
                data.Add(rows, columns);
            }
        }

        data.Add(4, 1000);
        data.Add(128, 520);
        return data;
    }

    [Theory]
    [MemberData(nameof(ColumnShapes))]
    public void ColumnLeavesAreMerkleHasherLeavesAtEveryWidth(int rows, int columns)
    {
        var words = new SeededWordSource((rows * 1000) + columns);
        Goldilocks[] matrix = words.NextArray<Goldilocks>(rows * columns);
        var salts = new byte[16 * columns];
        new Random(rows + columns).NextBytes(salts);
        var expected = new Digest256[columns];
        var payload = new byte[8 * rows];
        for (int j = 0; j < columns; j++)
        {
            for (int i = 0; i < rows; i++)
            {
                matrix[(i * columns) + j].WriteTo(payload.AsSpan(8 * i));
            }

            expected[j] = MerkleHasher.HashLeaf(salts.AsSpan(16 * j, 16), payload);
        }

        foreach (Width width in Enum.GetValues<Width>())
        {
            var leaves = new Digest256[columns];
            fixed (Goldilocks* m = matrix)
            fixed (byte* s = salts)
            fixed (Digest256* l = leaves)
            {
                int tail = width switch
                {
                    Width.Vector512 when Vector512Blake2sLanes.IsSupported =>
                        Blake2sMultiHash.HashColumns<Vector512Blake2sLanes, Vector512<uint>>((ulong*)m, rows, columns, s, l, 0, columns),
                    Width.Vector256 when Vector256Blake2sLanes.IsSupported =>
                        Blake2sMultiHash.HashColumns<Vector256Blake2sLanes, Vector256<uint>>((ulong*)m, rows, columns, s, l, 0, columns),
                    _ => 0,
                };
                if (width == Width.Dispatched)
                {
                    Blake2sMultiHash.HashColumns(matrix, rows, columns, salts, leaves);
                    tail = columns;
                }

                Blake2sMultiHash.HashColumnsScalar((ulong*)m, rows, columns, s, l, tail, columns);
            }

            Assert.Equal(expected, leaves);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(23)]
    [InlineData(64)]
    [InlineData(700)]
    public void NodesAreMerkleHasherNodesAtEveryWidth(int parents)
    {
        var random = new Random(parents);
        Digest256[] children = Enumerable.Range(0, 2 * parents).Select(_ =>
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            return Digest256.FromBytes(bytes);
        }).ToArray();
        Digest256[] expected = Enumerable.Range(0, parents).Select(i => MerkleHasher.HashNode(children[2 * i], children[(2 * i) + 1])).ToArray();

        foreach (Width width in Enum.GetValues<Width>())
        {
            var output = new Digest256[parents];
            int done = parents;
            fixed (Digest256* c = children)
            fixed (Digest256* p = output)
            {
                done = width switch
                {
                    Width.Vector512 when Vector512Blake2sLanes.IsSupported => Blake2sMultiHash.HashNodes<Vector512Blake2sLanes, Vector512<uint>>(c, p, 0, parents),
                    Width.Vector256 when Vector256Blake2sLanes.IsSupported => Blake2sMultiHash.HashNodes<Vector256Blake2sLanes, Vector256<uint>>(c, p, 0, parents),
                    _ => 0,
                };
            }

            if (width == Width.Dispatched)
            {
                Blake2sMultiHash.HashNodes(children, output);
                done = parents;
            }

            Assert.Equal(expected[..done], output[..done]);
        }
    }
}
