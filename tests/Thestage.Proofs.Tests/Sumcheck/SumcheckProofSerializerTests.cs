using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Sumcheck;

public sealed class SumcheckProofSerializerTests
{
    private static (SumcheckProof<GoldilocksExt2> Proof, GoldilocksExt2 Sum) MakeProof()
    {
        var rng = new SeededWordSource(801);
        MultilinearPolynomial<GoldilocksExt2>[] factors =
        [
            new(rng.NextArray<GoldilocksExt2>(16)),
            new(rng.NextArray<GoldilocksExt2>(16)),
        ];
        GoldilocksExt2 sum = SumcheckProver.ComputeSum(factors);
        return (SumcheckProver.Prove(new Transcript("ser"), sum, factors).Proof, sum);
    }

    [Fact]
    public void RoundTripsAndStillVerifies()
    {
        (SumcheckProof<GoldilocksExt2> proof, GoldilocksExt2 sum) = MakeProof();
        byte[] bytes = SumcheckProofSerializer.Serialize(proof);
        Assert.Equal("TSSC"u8.ToArray(), bytes[..4]);
        SumcheckProof<GoldilocksExt2> back = SumcheckProofSerializer.Deserialize<GoldilocksExt2>(bytes);
        Assert.Equal(bytes, SumcheckProofSerializer.Serialize(back));
        Assert.True(SumcheckVerifier.Verify(new Transcript("ser"), sum, 4, 2, back).IsValid);
    }

    [Fact]
    public void EveryTruncationAndEveryFlippedByteIsRejected()
    {
        (SumcheckProof<GoldilocksExt2> proof, GoldilocksExt2 sum) = MakeProof();
        byte[] bytes = SumcheckProofSerializer.Serialize(proof);
        for (int length = 0; length < bytes.Length; length++)
        {
            Assert.Throws<ProofFormatException>(() => SumcheckProofSerializer.Deserialize<GoldilocksExt2>(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => SumcheckProofSerializer.Deserialize<GoldilocksExt2>([.. bytes, 0]));
        byte[] otherField = (byte[])bytes.Clone();
        otherField[6] = 8; // element length of the base field instead of the extension
        Assert.Throws<ProofFormatException>(() => SumcheckProofSerializer.Deserialize<GoldilocksExt2>(otherField));

        for (int position = 0; position < bytes.Length; position++)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= 0x01;
            SumcheckProof<GoldilocksExt2> parsed;
            try
            {
                parsed = SumcheckProofSerializer.Deserialize<GoldilocksExt2>(tampered);
            }
            catch (ProofFormatException)
            {
                continue;
            }

            Assert.False(SumcheckVerifier.Verify(new Transcript("ser"), sum, 4, 2, parsed).IsValid, $"byte {position}");
        }
    }

    [Fact]
    public void HugeDeclaredLengthsAreRejectedBeforeAllocation()
    {
        (SumcheckProof<GoldilocksExt2> proof, _) = MakeProof();
        byte[] bytes = SumcheckProofSerializer.Serialize(proof);
        byte[] tampered = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(tampered.AsSpan(8, 4), uint.MaxValue); // round count
        Assert.Throws<ProofFormatException>(() => SumcheckProofSerializer.Deserialize<GoldilocksExt2>(tampered));
        tampered = (byte[])bytes.Clone();
        BitConverter.TryWriteBytes(tampered.AsSpan(4, 2), (ushort)2); // version
        Assert.Throws<ProofFormatException>(() => SumcheckProofSerializer.Deserialize<GoldilocksExt2>(tampered));
    }
}
