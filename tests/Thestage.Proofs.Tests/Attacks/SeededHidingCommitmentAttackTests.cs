using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A model owner commits to one model from one seed under two hiding parameter sets (say a first release and one with more
/// queries). If the two commitments drew the same salts and masking randomness, their codewords would agree column for column,
/// and the openings of both together would reveal more columns of one masked encoding than its masking degree (sized for one
/// commitment's queries) hides, and every salt opened in one would unhide the same leaf of the other. The derivations are
/// separated by the parameters, so the two share no salt and no random coefficient.
/// </summary>
public sealed class SeededHidingCommitmentAttackTests
{
    [Fact]
    public void ColumnsCombinedAcrossParameters_SeededHidingCommitmentsOfOneSeed_ShareNoSaltAndNoMask()
    {
        QuantizedModel model = TestModels.Quantized(TestModels.Mlp(new Random(4101), 9, 5, 3), new Random(4102), 1).Model;
        using ModelCommitmentSeed seed = ModelCommitmentSeed.Create();
        LigeroParameters first = LigeroParameters.DefaultHiding;
        var second = new LigeroParameters(first.LogBlowup, first.ColumnQueries + 1, hiding: true);

        CommittedModel a = CommittedModel.Commit(model, seed, first), b = CommittedModel.Commit(model, seed, second);

        Assert.Equal(a.States.Length, b.States.Length);
        for (int i = 0; i < a.States.Length; i++)
        {
            Assert.Equal(a.States[i].CodewordLength, b.States[i].CodewordLength);
            Assert.Empty(Chunks(a.States[i].Salts).Intersect(Chunks(b.States[i].Salts)));
            Assert.Empty(Randomness(a.States[i]).Intersect(Randomness(b.States[i])));
        }

        Assert.NotEqual(ModelCommitmentSerializer.Serialize(a.Commitment), ModelCommitmentSerializer.Serialize(b.Commitment));
    }

    /// <summary>The 16-byte salts, as strings for set comparison.</summary>
    private static IEnumerable<string> Chunks(byte[] salts) => salts.Chunk(16).Select(Convert.ToHexString);

    /// <summary>The coefficients past each data row's degree (the randomizer ρ_i's upper copy) and the masking rows: the commitment's random values.</summary>
    private static HashSet<ulong> Randomness(LigeroProverState state)
    {
        Goldilocks[] coefficients = state.Coefficients!;
        int d = coefficients.Length / state.CommittedRowCount, k = state.RowLength;
        var values = new HashSet<ulong>();
        for (int row = 0; row < state.CommittedRowCount; row++)
        {
            for (int e = row < state.RowCount ? k : 0; e < d; e++)
            {
                if (coefficients[(row * d) + e] != Goldilocks.Zero)
                {
                    values.Add(coefficients[(row * d) + e].Value);
                }
            }
        }

        return values;
    }
}
