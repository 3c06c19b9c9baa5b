using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Inference;

public sealed class InferenceTranscriptTests
{
    [Fact]
    public void StatementIntegersAreAbsorbedAsExplicitLittleEndianBytes()
    {
        (CommittedModel model, _) = InferenceTestKit.Mlp(1300, 1, 3, 2, 2);
        ModelCommitment commitment = model.Commitment;
        Digest256 root = Digest256.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Transcript actual = InferenceTranscript.Begin(commitment, [[1, -2, 300]], [[-1, 65535]], root);

        // The documented statement, written byte by byte: i32 little-endian for every input and output value.
        var expected = new Transcript("thestage/inference/v1");
        expected.AbsorbDigest("model/architecture", commitment.ArchitectureDigest);
        foreach (LigeroCommitment weights in commitment.WeightCommitments)
        {
            expected.AbsorbDigest("model/weights-root", weights.Root);
            expected.AbsorbBytes("model/weights-variables", [(byte)weights.NumVariables, 0, 0, 0, 0, 0, 0, 0]);
        }

        expected.AbsorbBytes("statement/batch", [1, 0, 0, 0, 0, 0, 0, 0]);
        expected.AbsorbBytes("statement/input", [1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0x2C, 0x01, 0, 0]);
        expected.AbsorbBytes("statement/output", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0]);
        expected.AbsorbDigest("witness/root", root);
        Assert.Equal(expected.Challenge<GoldilocksExt2>("check"), actual.Challenge<GoldilocksExt2>("check"));
    }
}
