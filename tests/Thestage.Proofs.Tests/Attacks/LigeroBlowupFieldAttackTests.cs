using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// The log-blowup field of a published model commitment (<c>TSMC</c>) is chosen by its publisher. Log blowup 5 is the hiding
/// default since <c>f38d00b</c> (read and verified); anything above <see cref="LigeroParameters"/>' maximum, hiding or not,
/// must be refused with the format exception — never an <see cref="ArgumentOutOfRangeException"/> from the parameters.
/// </summary>
public sealed class LigeroBlowupFieldAttackTests
{
    [Theory]
    [InlineData(0x86)]
    [InlineData(0x87)]
    [InlineData(0x06)]
    [InlineData(0x00)]
    [InlineData(0x80)]
    [InlineData(0x81)]
    public void ModelCommitmentDeclaringAnUnsupportedLogBlowup_IsRefusedWithTheFormatException(int encoded)
    {
        (CommittedModel model, _) = HidingCommitmentsTests.HidingMlp(3300, 1);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        int field = BlowupFieldOffset(bytes);
        Assert.Equal(5u | 0x80u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(field)));
        Assert.True(ModelCommitmentSerializer.Deserialize(bytes).Parameters is { Hiding: true, LogBlowup: 5, ColumnQueries: 117 });

        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(field), (uint)encoded);
        Assert.Throws<ProofFormatException>(() => ModelCommitmentSerializer.Deserialize(bytes));
    }

    /// <summary>The offset of the encoded log blowup: the only place the u32 pair (0x85, 117) occurs in a DefaultHiding commitment.</summary>
    private static int BlowupFieldOffset(byte[] bytes)
    {
        byte[] pattern = [0x85, 0, 0, 0, 117, 0, 0, 0];
        int offset = bytes.AsSpan().IndexOf(pattern);
        Assert.True(offset > 0);
        Assert.Equal(-1, bytes.AsSpan(offset + 1).IndexOf(pattern));
        return offset;
    }
}
