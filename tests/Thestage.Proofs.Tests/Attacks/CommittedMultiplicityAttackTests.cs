using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A cheating prover against the committed multiplicities of hiding range proofs (the logUp's histogram embedded in the
/// masking pool instead of published): multiplicities chosen after the challenge to absorb an out-of-range value, the histogram
/// of another model, and hiding proofs that publish their histogram after all (the refused older formats' content). Each is refused.
/// </summary>
public sealed class CommittedMultiplicityAttackTests
{
    private const int TableBits = 8;
    private const string Protocol = "committed-multiplicity-attack";

    private static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 9400);

    [Fact]
    public void MultiplicitiesChosenAfterTheChallengeToHideAnOutOfRangeValue_AreCaughtByThePoolOpening()
    {
        // A column with one entry (300) outside [0, 256): no multiplicities satisfy the logUp identity as rational functions,
        // but at a known α one table numerator can be moved to make the fractions sum to zero. The forger commits the honest
        // histogram before α (as the protocol orders), then runs the GKR on the moved leaves and claims their m̃''(z).
        var random = new Random(9401);
        Goldilocks[] column = Enumerable.Range(0, 1 << TableBits).Select(_ => new Goldilocks((ulong)random.Next(256))).ToArray();
        column[5] = new Goldilocks(300);
        Goldilocks[] committed = LogUpArgument.Multiplicities([(column, 1UL)], TableBits);
        var transcript = new Transcript(Protocol);
        var pool = new SumcheckMaskPool<E>(LigeroParameters.DefaultHiding, 10, new SeededSaltSource(9402));
        var builder = new ProofBuilder<E>(pool);
        SumcheckMaskPool<E>.Chunk chunk = pool.Embed(transcript, committed);
        E alpha = transcript.Challenge<E>(LogUpArgument.AlphaLabel);

        // Leaves: the table (offset 0) then the column (offset 256), as LogUpLayout orders two blocks of one size.
        var p = new E[2 << TableBits];
        var q = new E[2 << TableBits];
        for (int x = 0; x < 1 << TableBits; x++)
        {
            (p[x], q[x]) = (-E.FromBase(committed[x]), alpha - E.FromUInt64((ulong)x));
            (p[(1 << TableBits) + x], q[(1 << TableBits) + x]) = (E.One, alpha - E.FromBase(column[x]));
        }

        E sum = E.Zero;
        for (int i = 0; i < p.Length; i++)
        {
            sum += p[i] * E.Invert(q[i]);
        }

        Assert.False(sum.IsZero);
        p[0] -= sum * q[0];
        E[] z = FractionalSumcheck.Prove(transcript, builder, p, q);
        E[] point = z[1..];
        E forgedValue = E.Zero;
        E[] equality = Thestage.Proofs.Polynomials.EqPolynomial.Table<E>(point);
        for (int x = 0; x < 1 << TableBits; x++)
        {
            forgedValue -= equality[x] * p[x];
        }

        builder.Send(transcript, LogUpArgument.ColumnsLabel, [MatrixMultiplicationSumcheck.EvaluateMatrix<E>(column, point)]);
        builder.Send(transcript, LogUpArgument.MultiplicityLabel, [forgedValue]);
        SumcheckMaskPool<E>.AddEvaluation(transcript, chunk, point, forgedValue);

        // The forger's own bookkeeping follows the table it committed (its opening proves that table, not the claim).
        chunk.Value = E.Zero;
        for (int i = 0; i < chunk.Table.Length; i++)
        {
            chunk.Value += chunk.Functional[i] * E.FromBase(chunk.Table[i]);
        }

        LigeroOpeningProof<E>[] openings = pool.Open(transcript);

        // The logUp's own checks pass (the GKR is honest for the moved leaves) and the column claim is the true column's;
        // only the pool's opening of the committed multiplicities refuses the proof.
        var replay = new Transcript(Protocol);
        var masks = new SumcheckMaskVerifier<E>(LigeroParameters.DefaultHiding, pool.Chunks);
        LogUpClaims<E>? claims = LogUpArgument.Verify(
            replay, new ProofCursor<E>(builder.Sumchecks, builder.Values, masks), [new LookupColumnSpec(TableBits, 1UL)], TableBits, committedMultiplicities: true);
        Assert.NotNull(claims);
        Assert.Equal(MatrixMultiplicationSumcheck.EvaluateMatrix<E>(column, claims.ColumnPoints[0]), claims.ColumnValues[0]);
        Assert.False(masks.Finish(replay, openings));
    }

    [Fact]
    public void WeightRangeProofWithTheHistogramOfAnotherModel_IsRefused()
    {
        // The histogram a plain commitment of another model (same architecture) publishes, committed in place of the model's own.
        (QuantizedModel first, QuantizedModel second) = HidingWeightRangeTests.TwoModelsWithDifferentHistograms(9410);
        CommittedModel model = CommittedModel.Commit(first, LigeroParameters.DefaultHiding, new SeededSaltSource(9411));
        Assert.True(model.Commitment.VerifyWeightRanges());
        Goldilocks[] other = CommittedModel.Commit(second, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9412)).Commitment.RangeProof!.Multiplicities.ToArray();
        CircuitPlan plan = model.Commitment.Plan(1);
        WeightRangeProof forged = WeightRangeArgument.Prove(
            model.Commitment, plan, plan.BuildWeightSegments(first), model.Polynomials, model.States, new SeededSaltSource(9413), other);
        ProofVerdict verdict = model.Commitment.WithRangeProof(forged).CheckWeightRanges();
        Assert.False(verdict.IsAccepted);
        Assert.Equal(RejectionReason.Lookup, verdict.Reason);
    }

    [Fact]
    public void HidingProofsThatPublishTheirHistogram_AreRefused()
    {
        // The refused formats (TSMC v4, TSSR v4, TSML v2) published the histogram beside the masked sumchecks; a proof object
        // carrying it is refused by every verifier of a hiding statement, so the leak cannot come back through the object API.
        (QuantizedModel quantized, _) = HidingWeightRangeTests.TwoModelsWithDifferentHistograms(9420);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(9421));
        WeightRangeProof range = model.Commitment.RangeProof!;
        Assert.True(range.Multiplicities.IsEmpty);
        CircuitPlan plan = model.Commitment.Plan(1);
        Goldilocks[][] segments = plan.BuildWeightSegments(quantized);
        Goldilocks[] histogram = LogUpArgument.Multiplicities(
            plan.WeightSegments.OrderBy(s => s.Key).Select(s => (segments[s.Value.Weights], 1UL)).ToList(), TableBits, plan.WeightSegments.Select(_ => 128UL).ToList());
        var published = new WeightRangeProof(histogram, range.Sumchecks, range.Values, range.Openings, range.MaskChunks, range.MaskOpenings);
        Assert.Equal(RejectionReason.Format, model.Commitment.WithRangeProof(published).CheckWeightRanges().Reason);
        Assert.Throws<ArgumentException>(() => ModelCommitmentSerializer.Serialize(model.Commitment.WithRangeProof(published)));

        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 9422).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(9423));
        TrainingRun plainRun = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9423));
        SnapshotRangeProof snapshot = SnapshotRangeArgument.Prove(run, 2, new SeededSaltSource(9424));
        Assert.True(SnapshotRangeArgument.Verify(run.Transcript, snapshot));
        Goldilocks[] limbHistogram = SnapshotRangeArgument.Prove(plainRun, 2, new SeededSaltSource(9424)).MultiplicityArray;
        var snapshotPublished = new SnapshotRangeProof(
            snapshot.Snapshot, snapshot.LimbRoot, limbHistogram, snapshot.SumcheckArray, snapshot.ValueArray, snapshot.LimbOpeningArray, snapshot.WeightOpeningArray,
            snapshot.MaskChunks, snapshot.MaskOpenings);
        Assert.Equal(RejectionReason.Format, SnapshotRangeArgument.Check(run.Transcript, snapshotPublished, VerifierPolicy.Default).Reason);
        Assert.Throws<ArgumentException>(() => SnapshotRangeProofSerializer.Serialize(snapshotPublished));

        CommittedModel linked = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(9425));
        ModelLinkProof link = ModelLinkArgument.Prove(run, linked, new SeededSaltSource(9426));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, linked.Commitment, link));
        CommittedModel plainLinked = CommittedModel.Commit(ModelLinkArgument.Quantize(plainRun.Snapshots[^1], 12, 6), LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(9425));
        Goldilocks[] linkHistogram = ModelLinkArgument.Prove(plainRun, plainLinked, new SeededSaltSource(9426)).MultiplicityArray;
        var linkPublished = new ModelLinkProof(
            link.WeightShiftArray, link.WitnessIndexArray, link.WitnessValueArray, link.RemainderRoot, linkHistogram, link.SumcheckArray, link.ValueArray,
            link.RemainderOpeningArray, link.TrainingOpeningArray, link.ModelOpeningArray, link.MaskChunks, link.MaskOpenings, link.ZeroKnowledgeLookup);
        Assert.Equal(RejectionReason.Format, ModelLinkArgument.Check(run.Transcript, linked.Commitment, linkPublished, VerifierPolicy.Default).Reason);
        Assert.Throws<ArgumentException>(() => ModelLinkProofSerializer.Serialize(linkPublished));
    }
}
