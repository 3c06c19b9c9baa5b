using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// A batch of inference proofs cut into pieces proven away from the model owner (<see cref="InferenceProofPiece"/>, as a
/// cluster does) and gathered by <see cref="InferenceProofPlan"/>: the gathered bundles verify as the single-machine ones; pieces
/// of another commitment, with altered weights or seed, beyond the prover's limits, or malformed are refused; wrong bundles are
/// not gathered.
/// </summary>
public sealed class InferenceProofPieceTests
{
    internal static readonly Lazy<Owner> Plain = new(() => Owner.Create(5101, LigeroParameters.NonHidingForBenchmarks));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PiecesProvenFromTheirBytesAlone_GatherIntoBundlesThatVerifyAsTheSingleMachineOnes(bool hiding)
    {
        using Owner owner = hiding ? Owner.Create(5102, LigeroParameters.DefaultHiding) : Owner.Create(5101, LigeroParameters.NonHidingForBenchmarks);
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(owner.Committed.Commitment));
        var plan = new InferenceProofPlan(owner.Committed.Commitment, owner.Inputs, 2);
        Assert.Equal(3, plan.Count);   // 5 inputs: 2 + 2 + 1
        for (int i = 0; i < plan.Count; i++)
        {
            byte[] bytes = plan.Piece(i, owner.Committed.Model, owner.Seed).Serialize();
            Assert.Equal(published.Fingerprint, InferenceProofPiece.CommitmentOf(bytes));
            InferenceProofPiece piece = InferenceProofPiece.Deserialize(bytes, published, 16, 1 << 20);
            Assert.True(plan.TryAccept(i, piece.Prove(piece.Commit(published)), VerifierPolicy.Default));
        }

        InferenceProofBundle[] gathered = plan.Finish();
        for (int i = 0; i < plan.Count; i++)
        {
            InferenceProofBundle single = InferenceProofBundle.Prove(owner.Committed, plan.Slice(i));
            Assert.True(single.Verify(published));
            Assert.True(gathered[i].Verify(published));
            Assert.Equal(Enumerable.Range(0, single.Count).Select(s => single.GetInput(s).ToArray()), Enumerable.Range(0, gathered[i].Count).Select(s => gathered[i].GetInput(s).ToArray()));
            Assert.Equal(Enumerable.Range(0, single.Count).Select(s => single.GetOutput(s).ToArray()), Enumerable.Range(0, gathered[i].Count).Select(s => gathered[i].GetOutput(s).ToArray()));
        }
    }

    [Fact]
    public void PieceOfAnotherCommitment_OrWithAlteredWeightsOrSeed_IsRefused()
    {
        Owner owner = Plain.Value;
        ModelCommitment commitment = owner.Committed.Commitment;
        byte[] bytes = new InferenceProofPlan(commitment, owner.Inputs, 2).Piece(0, owner.Committed.Model, owner.Seed).Serialize();
        using Owner other = Owner.Create(5103, LigeroParameters.NonHidingForBenchmarks);
        Assert.Throws<ProofFormatException>(() => InferenceProofPiece.Deserialize(bytes, other.Committed.Commitment, 16, 1 << 20));

        // The first weight (just after the header, the fingerprint and the 38-byte seed) and a byte of the seed.
        foreach (int at in new[] { 6 + 32 + 38, 6 + 32 + 20 })
        {
            byte[] altered = (byte[])bytes.Clone();
            altered[at] ^= 1;
            InferenceProofPiece piece = InferenceProofPiece.Deserialize(altered, commitment, 16, 1 << 20);
            Assert.Throws<ProofFormatException>(() => piece.Commit(commitment));
        }

        // A committed model of another commitment is not used for the piece.
        InferenceProofPiece honest = InferenceProofPiece.Deserialize(bytes, commitment, 16, 1 << 20);
        Assert.Throws<ProofFormatException>(() => honest.Prove(other.Committed));
    }

    [Fact]
    public void TamperedMisplacedOrOtherInputsBundle_IsNotGathered()
    {
        Owner owner = Plain.Value;
        ModelCommitment commitment = owner.Committed.Commitment;
        var plan = new InferenceProofPlan(commitment, owner.Inputs, 2);
        byte[] first = InferenceProofBundleSerializer.Serialize(InferenceProofBundle.Prove(owner.Committed, plan.Slice(0)));

        Assert.False(plan.TryAccept(1, first, VerifierPolicy.Default));   // the proof of another slice
        foreach (int at in new[] { 10, first.Length / 2, first.Length - 1 })
        {
            byte[] tampered = (byte[])first.Clone();
            tampered[at] ^= 0x10;
            Assert.False(plan.TryAccept(0, tampered, VerifierPolicy.Default));
        }

        Assert.False(plan.TryAccept(0, first[..^1], VerifierPolicy.Default));
        Assert.False(plan.TryAccept(0, [], VerifierPolicy.Default));
        Assert.Throws<InvalidOperationException>(() => plan.Finish());
        Assert.True(plan.TryAccept(0, first, VerifierPolicy.Default));
    }

    /// <summary>A model owner: a small MLP (9-5-3) committed from a seed, and five inputs.</summary>
    internal sealed class Owner : IDisposable
    {
        private Owner(CommittedModel committed, ModelCommitmentSeed seed, List<int[]> inputs)
        {
            Committed = committed;
            Seed = seed;
            Inputs = inputs;
        }

        public CommittedModel Committed { get; }

        public ModelCommitmentSeed Seed { get; }

        public List<int[]> Inputs { get; }

        public static Owner Create(int seed, LigeroParameters parameters)
        {
            var random = new Random(seed);
            (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, [9, 5, 3]), random, 5);
            ModelCommitmentSeed secret = ModelCommitmentSeed.Create();
            return new Owner(CommittedModel.Commit(model, secret, parameters), secret, inputs);
        }

        public void Dispose() => Seed.Dispose();
    }
}
