using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Training;
using G = Thestage.Proofs.Fields.Goldilocks;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// A hiding run commits its samples with hiding Ligero (<c>TSTT</c> v6) and its step proofs (<c>TSSP</c> v3) prove the claims on
/// the batch's features and labels by gather sumchecks and one dataset opening instead of opening the samples: honest runs verify
/// in both modes, every new field is bound, and the formats refuse the downgrades (opened samples, a hiding run without a hiding
/// dataset commitment).
/// </summary>
public sealed class HiddenSampleStepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    internal static readonly TrainingConfig Config =
        new([6, 5, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Fact]
    public void HidingRunsProveTheirBatchesWithoutOpeningThem()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7101).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 3, LigeroParameters.DefaultHiding, new SeededSaltSource(7102));
        Assert.True(run.Dataset.IsHiding);
        Assert.Equal(3, run.Transcript.DatasetOpeningBudget);
        Assert.Throws<InvalidOperationException>(() => run.Dataset.Open(0, out _));

        byte[] transcriptBytes = TrainingTranscriptSerializer.Serialize(run.Transcript);
        Assert.Equal(6, BinaryPrimitives.ReadUInt16LittleEndian(transcriptBytes.AsSpan(4)));
        TrainingTranscript transcript = TrainingTranscriptSerializer.Deserialize(transcriptBytes);
        Assert.Equal(run.Transcript.Digest, transcript.Digest);
        Assert.Equal(3, transcript.DatasetOpeningBudget);

        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(7103));
        Assert.Null(proof.Batch);
        Assert.Equal(0, proof.BatchSize);
        Assert.Single(proof.DatasetOpening);
        byte[] bytes = TrainingStepProofSerializer.Serialize(proof);
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        TrainingStepProof reread = TrainingStepProofSerializer.Deserialize(bytes);
        Assert.Equal(bytes, TrainingStepProofSerializer.Serialize(reread));
        Assert.True(TrainingStepVerifier.Check(transcript, reread, VerifierPolicy.Default).IsAccepted, TrainingStepVerifier.Check(transcript, reread, VerifierPolicy.Default).ToString());
        Assert.True(TrainingStepVerifier.SoundnessBits(transcript) >= VerifierPolicy.Default.MinimumSoundnessBits);

        // The proof is of its own step only, and a verifier whose policy caps the dataset's budget below the run's refuses it.
        TrainingStepProof other = TrainingStepProver.Prove(run, data, 2, new SeededSaltSource(7104));
        Assert.True(TrainingStepVerifier.Verify(transcript, other));
        Assert.False(TrainingStepVerifier.Verify(transcript, Relabelled(other, 1)));
        Assert.Equal(RejectionReason.SoundnessPolicy, TrainingStepVerifier.Check(transcript, proof, new VerifierPolicy { MaximumOpeningBudget = 2 }).Reason);

        // The budget is the number of step proofs: the run's third opening of the dataset is its last.
        Assert.True(TrainingStepVerifier.Verify(transcript, TrainingStepProver.Prove(run, data, 0, new SeededSaltSource(7105))));
        Assert.Throws<OpeningBudgetExhaustedException>(() => TrainingStepProver.Prove(run, data, 0, new SeededSaltSource(7106)));
    }

    [Fact]
    public void HidingRunsVerifyInEveryStepAndSampledMode()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7111).Train;
        TrainingRun everyStep = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(7112));
        TrainingProofs all = TrainingProver.ProveEveryStep(everyStep, data);
        Assert.True(TrainingVerifier.Verify(everyStep.Transcript, TrainingProofsSerializer.Deserialize(TrainingProofsSerializer.Serialize(all))));

        TrainingRun sampled = TrainingRun.Record(Config, data, 4, LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(7113));
        Assert.Equal(2, sampled.Transcript.DatasetOpeningBudget);
        TrainingProofs audit = TrainingProver.ProveSampled(sampled, data, 2);
        var policy = new VerifierPolicy { MinimumSampleSize = 2 };
        Assert.True(TrainingVerifier.Check(sampled.Transcript, audit, policy).IsAccepted, TrainingVerifier.Check(sampled.Transcript, audit, policy).ToString());
    }

    [Fact]
    public void TamperedDatasetOpeningsAndGathersAreRejected()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7121).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHidingWithBudget(4), new SeededSaltSource(7122));
        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(7123));
        TrainingStepProof second = TrainingStepProver.Prove(run, data, 0, new SeededSaltSource(7124));
        Assert.True(TrainingStepVerifier.Verify(run.Transcript, proof));

        // The dataset opening: missing, doubled, another proof's, and each of its rows and columns changed.
        LigeroOpeningProof<E> opening = proof.DatasetOpening[0];
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, [])));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, [opening, opening])));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, second.DatasetOpening)));
        E[] proximity = opening.ProximityRow.ToArray();
        proximity[0] += E.One;
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, [new(proximity, opening.EvaluationRow, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof)])));
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[^1] += E.One;
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, [new(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof)])));
        Thestage.Proofs.Fields.Goldilocks[] columns = opening.Columns.ToArray();
        columns[3] += Thestage.Proofs.Fields.Goldilocks.One;
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(proof, [new(opening.ProximityRow, opening.EvaluationRow, opening.RowCount, columns, opening.Salts, opening.MerkleProof)])));

        // Every sumcheck (the gathers and the dataset's batching among them): its claimed factor evaluations and its first round.
        int plainSumchecks = TrainingStepProver.Prove(TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(7122)), data, 1, new SeededSaltSource(7123)).Sumchecks.Length;
        Assert.Equal(plainSumchecks + 3, proof.Sumchecks.Length);
        for (int i = 0; i < proof.Sumchecks.Length; i++)
        {
            SumcheckProof<E> s = proof.Sumchecks[i];
            E[] factors = s.FactorEvaluations.ToArray();
            factors[^1] += E.One;
            SumcheckProof<E>[] changed = [.. proof.Sumchecks];
            changed[i] = new SumcheckProof<E>(Enumerable.Range(0, s.RoundCount).Select(r => s.GetRoundPolynomial(r).ToArray()).ToArray(), factors, s.MaskSum, s.MaskValue);
            Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithSumchecks(proof, changed)), $"sumcheck {i}");
        }

        // Every loose value: the committed input's and targets' limb claims (the one-hot centre among them) with the others.
        for (int i = 0; i < proof.Values.Length; i++)
        {
            E[] values = [.. proof.Values];
            values[i] += E.One;
            TrainingStepProof changed = new(
                proof.Step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings, proof.DatasetOpening, proof.HidesClaims);
            Assert.False(TrainingStepVerifier.Verify(run.Transcript, changed), $"value {i}");
        }
    }

    [Fact]
    public void FormatsRefuseOpenedSamplesAndPlainDatasetsInHidingRuns()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7131).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(7132));
        TrainingRun plain = TrainingRun.Record(Config, data, 2, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(7132));
        TrainingStepProof proof = TrainingStepProver.Prove(run, data, 1, new SeededSaltSource(7133));
        TrainingStepProof plainProof = TrainingStepProver.Prove(plain, data, 1, new SeededSaltSource(7133));

        // Plain runs keep TSTT v4 and TSSP v1, open their samples and carry no dataset opening.
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(TrainingTranscriptSerializer.Serialize(plain.Transcript).AsSpan(4)));
        Assert.NotNull(plainProof.Batch);
        Assert.Empty(plainProof.DatasetOpening);
        Assert.True(TrainingStepVerifier.Verify(plain.Transcript, plainProof));

        // A hiding run's proof that carries opened samples is refused (the downgrade), with or without its dataset opening; so is
        // a plain proof carrying a dataset opening, and a hiding proof without its samples under the plain transcript.
        TrainingStepProof downgraded = new(
            proof.Step, plainProof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings,
            proof.MaskChunks, proof.MaskOpenings, proof.DatasetOpening, proof.HidesClaims);
        Assert.Equal(RejectionReason.Format, TrainingStepVerifier.Check(run.Transcript, downgraded, VerifierPolicy.Default).Reason);
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, WithDataset(downgraded, [])));
        Assert.False(TrainingStepVerifier.Verify(plain.Transcript, WithDataset(plainProof, proof.DatasetOpening)));
        Assert.False(TrainingStepVerifier.Verify(plain.Transcript, proof));
        Assert.False(TrainingStepVerifier.Verify(run.Transcript, plainProof));

        // TSSP v2 (a hiding proof that opened its samples) and v3 (revealed claims) are refused; the hiding proof's bytes relabelled v1, v2
        // or v3 do not parse.
        byte[] bytes = TrainingStepProofSerializer.Serialize(proof);
        foreach (ushort version in new ushort[] { 1, 2, 3, 5 })
        {
            byte[] relabelled = (byte[])bytes.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(relabelled.AsSpan(4), version);
            Assert.Throws<ProofFormatException>(() => TrainingStepProofSerializer.Deserialize(relabelled));
        }

        // A hiding transcript with a plain (Merkle) dataset: TSTT v4 with the hiding bit, as earlier hiding runs were written, is
        // refused; so is a v6 without the hiding bit, a v6 whose budget is 0 or changed, and such a transcript in memory.
        byte[] transcript = TrainingTranscriptSerializer.Serialize(run.Transcript);
        byte[] v4 = (byte[])transcript.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(v4.AsSpan(4), 4);
        Assert.Contains("version 4 with hiding", Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(v4)).Message);
        byte[] plainBytes = TrainingTranscriptSerializer.Serialize(plain.Transcript);
        BinaryPrimitives.WriteUInt16LittleEndian(plainBytes.AsSpan(4), 6);
        Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(plainBytes));
        int budgetOffset = 6 + 2 + (4 * Config.LayerSizes.Count) + 4 + (4 * 2) + 8 + 2 + 4 + 32 + 4 + 32;
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(transcript.AsSpan(budgetOffset)));
        foreach (ushort budget in new ushort[] { 0, 3, 257 })
        {
            byte[] changed = (byte[])transcript.Clone();
            BinaryPrimitives.WriteUInt16LittleEndian(changed.AsSpan(budgetOffset), budget);
            Assert.Throws<ProofFormatException>(() => TrainingTranscriptSerializer.Deserialize(changed));
        }

        TrainingTranscript t = run.Transcript;
        Assert.Throws<ArgumentException>(() => new TrainingTranscript(t.Config, t.Parameters, t.SampleCount, plain.Transcript.DatasetRoot, [.. t.WeightRoots]));
        Assert.Throws<ArgumentException>(() => new TrainingTranscript(plain.Transcript.Config, plain.Transcript.Parameters, t.SampleCount, t.DatasetRoot, [.. plain.Transcript.WeightRoots], 2));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RevealedElementsOfTwoDatasetsWithOneStatementAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        // Two datasets that differ in the batch's first two samples (features +Δ and −Δ), so that the claim the step's relations hand
        // to the gather — Σ_b eq(ζ_b, b)·X̃(i_b, col) at a point whose last batch coordinate is ½, eq(ζ_b, 0) = eq(ζ_b, 1) — is one
        // public value for both, for the features and the one-hot labels alike. A hiding run's proof reveals about the samples the
        // gather sumchecks (masked: rounds, G, g(r), the final claims) and the dataset's hiding opening (rows and columns); a plain
        // run's proof opens the batch's samples. 100 proofs of each dataset (fresh commitment salts and masks), χ² over low bits.
        const int Proofs = 100;
        TrainingDataset first = SyntheticData.Blobs(Config, 32, 1, 0.4, 7141).Train;
        int[] batch = [3, 10, 17, 25];
        int[] delta = [5, -3, 7, 1, -9, 11];
        TrainingDataset second = Shifted(Shifted(first, batch[0], delta, 1), batch[1], delta, -1);
        var polynomial = new DatasetPolynomial(Config, first.Count);
        var random = new Random(7142);
        E Draw() => E.FromCoefficients([new G((ulong)random.NextInt64(1L << 62)), new G((ulong)random.NextInt64(1L << 62))]);
        E[] features = [Draw(), Draw(), Draw()];
        E[] rows = [Draw(), Draw()];
        E[] batchPoint = [Draw(), E.Invert(E.FromUInt64(2))];
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((TrainingDataset data, bool isFirst) in new[] { (first, true), (second, false) })
            {
                if (!hiding)
                {
                    foreach (int index in batch)
                    {
                        foreach (int v in data.GetFeatures(index).Append(data.GetLabel(index)))
                        {
                            test.AddLowBits(isFirst, E.FromBase(WeightCommitment.Embed(v)));
                        }
                    }

                    continue;
                }

                var salts = new SeededSaltSource(7150 + (2 * s) + (isFirst ? 0 : 1));
                LigeroParameters parameters = LigeroParameters.DefaultHidingWithBudget(1);
                DatasetCommitment commitment = DatasetCommitment.CommitHiding(Config, data, parameters, salts);
                G[] table = commitment.State!.Evaluations;
                var transcript = new Thestage.Proofs.Transcripts.Transcript("gather test");
                transcript.AbsorbDigest("dataset", commitment.Root);
                var builder = new ProofBuilder<E>(new SumcheckMaskPool<E>(parameters, 10, salts));
                var claims = new List<SegmentClaim<E>>();
                foreach ((int region, E[] coordinates) in new[] { (DatasetPolynomial.FeatureRegion, features), (DatasetPolynomial.LabelRegion, rows) })
                {
                    E[] selection = polynomial.Selection(batchPoint, batch);
                    E[] gathered = polynomial.Rows(table, region, coordinates);
                    E claim = Enumerable.Range(0, selection.Length).Aggregate(E.Zero, (sum, i) => sum + (selection[i] * gathered[i]));
                    SumcheckProverOutput<E> output = SumcheckProver.Prove(transcript, claim, [new(selection), new(gathered)], builder.Masks);
                    builder.AddSumcheck(output.Proof);
                    E[] column = region == DatasetPolynomial.FeatureRegion ? polynomial.FeaturePoint(coordinates) : polynomial.LabelPoint(coordinates);
                    claims.Add(new(0, [.. output.Point.ToArray(), .. column], output.Proof.FactorEvaluations[1]));
                }

                LigeroOpeningProof<E> opening = ClaimBatcher.Prove(transcript, builder, polynomial.Layout, [table], [commitment.State], claims)[0];
                foreach (E value in Inference.HidingWeightRangeTests.RevealedElements([], [], builder.Sumchecks)
                    .Concat(builder.Sumchecks.SelectMany(c => new[] { c.MaskSum, c.MaskValue }))
                    .Concat(opening.ProximityRow.ToArray()).Concat(opening.EvaluationRow.ToArray()).Concat(opening.Columns.ToArray().Select(E.FromBase)))
                {
                    test.AddLowBits(isFirst, value);
                }
            }
        }

        output.WriteLine($"hiding {hiding}: χ² = {test.Statistic():F1} over {test.Counts} values");
        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    private static TrainingDataset Shifted(TrainingDataset data, int index, int[] delta, int sign)
    {
        var features = Enumerable.Range(0, data.Count).Select(data.GetFeatures).ToList();
        features[index] = features[index].Select((v, i) => v + (sign * delta[i])).ToArray();
        return new TrainingDataset(Config, features, Enumerable.Range(0, data.Count).Select(data.GetLabel).ToList());
    }

    internal static TrainingStepProof WithDataset(TrainingStepProof proof, LigeroOpeningProof<E>[] dataset) =>
        new(proof.Step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings, dataset, proof.HidesClaims);

    private static TrainingStepProof WithSumchecks(TrainingStepProof proof, SumcheckProof<E>[] sumchecks) =>
        new(proof.Step, proof.Batch, proof.WitnessRoot, sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings, proof.DatasetOpening, proof.HidesClaims);

    private static TrainingStepProof Relabelled(TrainingStepProof proof, int step) =>
        new(step, proof.Batch, proof.WitnessRoot, proof.Sumchecks, proof.Values, proof.WitnessOpening, proof.BeforeOpenings, proof.AfterOpenings, proof.MaskChunks, proof.MaskOpenings, proof.DatasetOpening, proof.HidesClaims);
}
