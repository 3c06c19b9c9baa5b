using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Tests.Lookups;
using Thestage.Proofs.Training;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// The model link of a hiding run (<c>TSML</c> v5): its lookup is the zero-knowledge logUp GKR over masked limb columns (the masks and a
/// random segment in the limb polynomial). Honest links of a small hiding run verify after a byte round trip, to a model without and with
/// an opening budget; a plain run's link to a hiding model keeps the revealing lookup (v4); and the lookup's simulator needs only the
/// statement.
/// </summary>
public sealed class ZeroKnowledgeModelLinkTests
{
    internal static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 9900);

    internal static readonly Lazy<TrainingRun> HidingRun = new(() =>
        TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 9901).Train, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(9902)));

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void HidingRunsLinkWithTheZeroKnowledgeLookupAndVerifyAfterARoundTrip(int budget)
    {
        TrainingRun run = HidingRun.Value;
        LigeroParameters parameters = budget == 0 ? LigeroParameters.DefaultHiding : LigeroParameters.DefaultHidingWithBudget(budget);
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), parameters, new SeededSaltSource(9903));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(9904));
        Assert.True(proof.ZeroKnowledgeLookup);
        byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        ModelLinkProof reread = ModelLinkProofSerializer.Deserialize(bytes);
        VerdictAssert.Accepted(ModelLinkArgument.Check(run.Transcript, model.Commitment, reread, VerifierPolicy.Default));
        Assert.Equal(bytes, ModelLinkProofSerializer.Serialize(reread));
        Assert.True(ModelLinkArgument.SoundnessBits(run.Transcript, model.Commitment, proof) >= VerifierPolicy.Default.MinimumSoundnessBits);

        // The layout masks every lookup column of this run (none is under four entries) and adds the random segment.
        ModelLinkLayout layout = Layout(run, model.Commitment);
        Assert.True(layout.ZeroKnowledgeLookup);
        Assert.All(layout.ColumnMasks, m => Assert.True(m >= 0));
        Assert.True(layout.RandomSegment >= 0);
    }

    [Fact]
    public void APlainRunsLinkToAHidingModelKeepsTheRevealingLookup()
    {
        TrainingRun run = TrainingRun.Record(Config, SyntheticData.Blobs(Config, 32, 1, 0.4, 9905).Train, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9906));
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9907));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(9908));
        Assert.False(proof.ZeroKnowledgeLookup);
        Assert.True(proof.IsMasked);
        byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, model.Commitment, ModelLinkProofSerializer.Deserialize(bytes)));
    }

    /// <summary>
    /// The honest-verifier simulator of the link's lookup (<see cref="ZeroKnowledgeLogUpGkrTests.SimulateLookup"/>) over the column
    /// specifications a hiding run's link derives from the statement (training configuration, weight shifts, the model's public
    /// architecture): it reads no snapshot and no limb, programs every challenge, and the verifier's root, layer and leaf checks accept. The
    /// masked leaf claims it draws are uniform, as the real ones are; their batching into the limb opening is simulated as in
    /// <c>MaskedClaimBatcherTests</c>. (The link's identity values at <c>ζ</c>, <c>ξ</c> are still revealed, so this is not a simulator of the whole link.)
    /// </summary>
    [Fact]
    public void SimulatedLookupsOfAHidingRunsLinkNeedOnlyTheStatement()
    {
        TrainingRun run = HidingRun.Value;
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9910));
        ModelLinkLayout layout = Layout(run, model.Commitment);
        LookupColumnSpec[] specs = layout.Columns.Select((c, j) => new LookupColumnSpec(layout.Layout.LogSizeOf(c.Segment), c.Scale, 0, layout.ColumnMasks[j] >= 0)).ToArray();
        ZeroKnowledgeLogUpGkrTests.SimulatedLookup simulated = ZeroKnowledgeLogUpGkrTests.SimulateLookup(specs, ModelLinkLayout.TableBits, new SeededWordSource(9911));
        Assert.Equal(simulated.LeafVariables, simulated.Proofs.Count);
    }

    /// <summary>The layout a hiding run's link to <paramref name="model"/> derives (as prover and verifier do).</summary>
    internal static ModelLinkLayout Layout(TrainingRun run, ModelCommitment model)
    {
        int[] shifts = Enumerable.Range(0, Config.LayerCount).Select(l => model.Layers[2 * l].Shift).ToArray();
        return ModelLinkLayout.TryCreate(
            Config, ModelLinkArgument.WeightShifts(run.Snapshots[^1]), model.InputFractionBits, shifts, model.OutputFractionBits, provenWitnesses: true, zeroKnowledgeLookup: true)!;
    }
}
