using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Commitments;

public sealed class LigeroProofSerializerTests
{
    private const string Protocol = "ligero-test";

    private static (LigeroProverState State, GoldilocksExt2[] Point, GoldilocksExt2 Value, byte[] Bytes) Make(int numVariables, int seed)
    {
        (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(numVariables, seed);
        LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
        return (state, point, value, LigeroProofSerializer.Serialize(proof));
    }

    private static bool VerifyBytes(LigeroProverState state, GoldilocksExt2[] point, GoldilocksExt2 value, byte[] bytes)
    {
        LigeroOpeningProof<GoldilocksExt2> parsed = LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes);
        return LigeroVerifier.Verify(new Transcript(Protocol), state.Commitment, LigeroParameters.NonHidingForBenchmarks, point, value, parsed);
    }

    [Fact]
    public void RoundTripsAndStillVerifies()
    {
        (LigeroProverState state, GoldilocksExt2[] point, GoldilocksExt2 value, byte[] bytes) = Make(9, 2000);
        Assert.Equal("TSLG"u8.ToArray(), bytes[..4]);
        Assert.Equal(LigeroProofSerializer.Version, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(VerifyBytes(state, point, value, bytes));
        Assert.Equal(bytes, LigeroProofSerializer.Serialize(LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes)));
    }

    [Fact]
    public void FlippedBytesAtSampledPositionsAreRejectedWithoutUnexpectedExceptions()
    {
        (LigeroProverState state, GoldilocksExt2[] point, GoldilocksExt2 value, byte[] bytes) = Make(8, 2100);
        var random = new Random(2101);
        IEnumerable<int> positions = Enumerable.Range(0, 40).Concat(Enumerable.Range(0, 250).Select(_ => random.Next(bytes.Length))).Append(bytes.Length - 1);
        int parsedButRejected = 0;
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)(1 << random.Next(8));
            bool accepted;
            try
            {
                accepted = VerifyBytes(state, point, value, tampered);
                parsedButRejected++;
            }
            catch (ProofFormatException)
            {
                continue;
            }

            Assert.False(accepted, $"flipped byte {position} was accepted");
        }

        // Most flips land in field elements, salts and digests and must reach (and fail) verification.
        Assert.True(parsedButRejected > 200);
    }

    [Fact]
    public void TruncationsHugeCountsAndWrongHeadersThrowOnlyProofFormatException()
    {
        (_, _, _, byte[] bytes) = Make(6, 2200);
        var random = new Random(2201);
        foreach (int length in Enumerable.Range(0, 64).Concat(Enumerable.Range(0, 100).Select(_ => random.Next(bytes.Length))))
        {
            Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>([.. bytes, 7]));
        foreach (int offset in new[] { 8, 12 })
        {
            byte[] huge = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(offset), uint.MaxValue);
            Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(huge));
            BinaryPrimitives.WriteUInt32LittleEndian(huge.AsSpan(offset), 1u << 24);
            Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(huge));
        }

        byte[] badMagic = (byte[])bytes.Clone();
        badMagic[0] = (byte)'X';
        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(badMagic));
        byte[] badVersion = (byte[])bytes.Clone();
        badVersion[4] = 9;
        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(badVersion));
        byte[] nonCanonical = (byte[])bytes.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(nonCanonical.AsSpan(16), ulong.MaxValue); // first proximity-row limb
        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>(nonCanonical));
        Assert.Throws<ProofFormatException>(() => LigeroProofSerializer.Deserialize<GoldilocksExt2>([]));
    }
}
