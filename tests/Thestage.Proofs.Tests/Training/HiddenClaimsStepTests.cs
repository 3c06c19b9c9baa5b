using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Training;
using E = Thestage.Proofs.Fields.GoldilocksExt2;
using G = Thestage.Proofs.Fields.Goldilocks;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// A hiding run's step proofs with hidden claims (<c>TSSP</c> v4, <see cref="StepZeroKnowledge"/>): every relation one zero-check over
/// masked witness segments and the zero-knowledge logUp, so no witness claim and no intermediate value is revealed. Honest proofs of
/// several steps verify, the simulator of every zero-check needs no witness, and the revealed elements of whole proofs of two training
/// sets with one public statement are not told apart (while a plain run's are).
/// </summary>
public sealed class HiddenClaimsStepTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TrainingConfig Config = HiddenSampleStepTests.Config;

    [Fact]
    public void HonestHidingStepsAreVersion4AndVerifyForEveryStepOfARun()
    {
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7201).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 3, LigeroParameters.DefaultHiding, new SeededSaltSource(7202));
        for (int step = 0; step < 3; step++)
        {
            TrainingStepProof proof = TrainingStepProver.Prove(run, data, step, new SeededSaltSource(7203 + step));
            Assert.True(proof.HidesClaims);
            byte[] bytes = TrainingStepProofSerializer.Serialize(proof);
            Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
            TrainingStepProof reread = TrainingStepProofSerializer.Deserialize(bytes);
            Assert.Equal(bytes, TrainingStepProofSerializer.Serialize(reread));
            ProofVerdict verdict = TrainingStepVerifier.Check(run.Transcript, reread, VerifierPolicy.Default);
            Assert.True(verdict.IsAccepted, verdict.ToString());

            // Every relation is one zero-check (plus the lookup's and the four batchings' sumchecks), and no loose value but the lookup's.
            var circuit = new StepCircuit(Config, hiddenBatch: true);
            StepZeroKnowledge layout = TrainingStepProver.ZeroKnowledgeLayout(run.Transcript, circuit);
            Assert.Equal((3 * Config.LayerCount) + (Config.LayerCount - 1) + 4, layout.Checks.Length);
            Assert.All(layout.Checks, c => Assert.Contains(c.Masked, m => m));
        }

        Assert.True(TrainingStepVerifier.SoundnessBits(run.Transcript) >= VerifierPolicy.Default.MinimumSoundnessBits);
        output.WriteLine($"{TrainingStepVerifier.SoundnessBits(run.Transcript):F2} bits");
    }

    [Fact]
    public void TinyWidthsAndABatchOfOneProveWithHiddenClaims()
    {
        // Segments of fewer than four entries are laid out at the zero-knowledge logUp's minimum, and relations of no variables
        // (1×1 layers at batch 1) get a dummy variable.
        var config = new TrainingConfig([1, 1, 2], batchSize: 1, learningRateShift: 2, fractionalBits: 6, weightBits: 12, valueBits: 16, seed: 5);
        TrainingDataset data = SyntheticData.Blobs(config, 8, 1, 0.5, 7211).Train;
        TrainingRun run = TrainingRun.Record(config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(7212));
        for (int step = 0; step < 2; step++)
        {
            ProofVerdict verdict = TrainingStepVerifier.Check(run.Transcript, TrainingStepProver.Prove(run, data, step, new SeededSaltSource(7213 + step)), VerifierPolicy.Default);
            Assert.True(verdict.IsAccepted, verdict.ToString());
        }
    }

    [Fact]
    public void SimulatedZeroChecksOfEveryRelationNeedNoWitness()
    {
        // The simulator of the relations of a v4 proof: given the statement (configuration, the schedule's batch indices, so the public
        // factors), programmed challenges (z, ρ, r per zero-check) and the snapshot and dataset claims (still revealed, inputs of the
        // simulator), it draws every witness claim uniformly and simulates each zero-check's rounds without any table; the verifier's
        // checks accept, and the same messages under another public sum do not.
        TrainingDataset data = SyntheticData.Blobs(Config, 32, 1, 0.4, 7221).Train;
        TrainingRun run = TrainingRun.Record(Config, data, 1, LigeroParameters.DefaultHiding, new SeededSaltSource(7222));
        int[] indices = run.Transcript.Batch(0);
        var circuit = new StepCircuit(Config, hiddenBatch: true);
        StepZeroKnowledge layout = TrainingStepProver.ZeroKnowledgeLayout(run.Transcript, circuit);
        var rng = new SeededWordSource(7223);
        foreach (StepZeroCheck check in layout.Checks)
        {
            E[] z = rng.NextArray<E>(check.PointVariables);
            E weight = rng.Next<E>();
            E[] point = rng.NextArray<E>(check.NumVariables);
            E sum = check.Sum(z);
            var evaluations = new E[check.Factors.Length];
            for (int k = 0; k < evaluations.Length; k++)
            {
                StepFactor factor = check.Factors[k];
                E[] own = factor.Shape.OwnPoint(point);
                evaluations[k] = factor.Source switch
                {
                    StepSource.Eq => EqPolynomial.Evaluate<E>(z[factor.ZStart..(factor.ZStart + factor.ZLength)], own),
                    StepSource.Selector => DatasetPolynomial.SelectionAt(z.AsSpan(factor.ZStart, factor.ZLength), indices, own),
                    _ => rng.Next<E>(), // a witness claim (uniform), or a revealed snapshot or dataset claim
                };
            }

            SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(sum, check.NumVariables, check.Degree, weight, point, evaluations, SumcheckTerm<E>.Evaluate(check.Terms, evaluations), rng);
            Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, proof, weight, point, check.Terms).Failure);
            Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(sum + E.One, proof, weight, point, check.Terms).Failure);
        }
    }

    /// <summary>A configuration whose learning rate is so small that every update rounds to zero: both training sets give the same snapshots.</summary>
    private static readonly TrainingConfig Frozen =
        new([6, 5, 3], batchSize: 4, learningRateShift: 28, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 81);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RevealedElementsOfWholeStepProofsOfTwoTrainingSetsWithOneStatementAreIndistinguishableOnlyWhenHiding(bool hiding)
    {
        // Two training sets of one size whose samples all differ (the second's features are the first's times 16), under a learning rate that rounds every update to zero: the snapshots
        // before and after step 0 are the seed's weights for both, so the public statement (configuration, step, schedule distribution,
        // snapshot and dataset commitments — fresh salts per proof) has one distribution. A hiding proof reveals its sumchecks (rounds, G,
        // g(r), final claims), loose values and openings (witness, both snapshots, dataset, masking pool: rows and columns); a plain proof
        // opens the batch. Each arm: its own run per proof, every element of the proof, χ² over low bits.
        const int Proofs = 24;
        TrainingDataset first = SyntheticData.Blobs(Frozen, 32, 1, 0.4, 7231).Train;
        TrainingDataset second = new(
            Frozen, [.. Enumerable.Range(0, first.Count).Select(i => Array.ConvertAll(first.GetFeatures(i), v => 16 * v))], [.. Enumerable.Range(0, first.Count).Select(first.GetLabel)]);
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Proofs; s++)
        {
            foreach ((TrainingDataset data, bool isFirst) in new[] { (first, true), (second, false) })
            {
                var salts = new SeededSaltSource(7240 + (2 * s) + (isFirst ? 0 : 1));
                TrainingRun run = TrainingRun.Record(Frozen, data, 1, hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks, salts);
                Assert.True(run.Snapshots[0].ContentEquals(run.Snapshots[1]));
                TrainingStepProof proof = TrainingStepProver.Prove(run, data, 0, salts);
                if (!hiding)
                {
                    foreach (int index in run.Transcript.Batch(0))
                    {
                        foreach (int v in data.GetFeatures(index).Append(data.GetLabel(index)))
                        {
                            test.AddLowBits(isFirst, E.FromBase(WeightCommitment.Embed(v)));
                        }
                    }

                    continue;
                }

                Assert.True(proof.HidesClaims);
                foreach (E value in RevealedElements(proof))
                {
                    test.AddLowBits(isFirst, value);
                }
            }
        }

        output.WriteLine($"hiding {hiding}: χ² = {test.Statistic():F1} over {test.Counts} values");
        Assert.True(hiding != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    /// <summary>Every field element a hiding step proof reveals: sumchecks (rounds, final claims, G, g(r)), loose values, and every opening's rows and columns.</summary>
    internal static IEnumerable<E> RevealedElements(TrainingStepProof proof) =>
        Inference.HidingWeightRangeTests.RevealedElements([], proof.Values, proof.Sumchecks)
            .Concat(proof.Sumchecks.SelectMany(c => new[] { c.MaskSum, c.MaskValue }))
            .Concat(proof.WitnessOpening.Concat(proof.BeforeOpenings).Concat(proof.AfterOpenings).Concat(proof.DatasetOpening).Concat(proof.MaskOpenings)
                .SelectMany(o => o.ProximityRow.ToArray().Concat(o.EvaluationRow.ToArray()).Concat(o.Columns.ToArray().Select(E.FromBase))));
}
