using Thestage.Proofs.Commitments;
using Thestage.Proofs.Commitments.Basefold;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Attacks;
using Thestage.Proofs.Tests.Commitments;
using Thestage.Proofs.Tests.Inference;
using Thestage.Proofs.Tests.Sumcheck;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using Thestage.TestKit.Fuzzing;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Fuzzing;

[CollectionDefinition(FuzzCampaign.CollectionName, DisableParallelization = true)]
public sealed class FuzzCollection;

/// <summary>
/// The structured fuzz campaign of every proof and statement format (docs/security.md): each mutated input parses
/// or throws <see cref="ProofFormatException"/>, allocating at most 256 MiB and taking at most 1 s of CPU. The
/// "verify" targets go on to run the verifier against the honest statement, which must return false (or true for an
/// unchanged proof) and never throw anything but the format exception. Hostile inputs: the consistent 174-byte commitment
/// and 462-byte transcript of <see cref="TinyStatementDenialOfServiceTests"/>, declaring billions of entries. CI runs 1,000–2,000 cases per format; set
/// <c>THESTAGE_FUZZ_CASES</c> for the large campaign.
/// </summary>
[Collection(FuzzCampaign.CollectionName)]
public sealed class ProofFormatFuzzTests(ITestOutputHelper output)
{
    private static readonly Lazy<Formats> All = new(() => new Formats());

    public static TheoryData<string> Names => [.. Formats.Names];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_input_parses_or_is_refused_within_the_limits(string format)
    {
        (FuzzTarget target, int ciCases) = All.Value.Target(format);
        FuzzReport report = FuzzCampaign.Run(target, FuzzCampaign.Cases(ciCases));
        output.WriteLine(report.ToString());
        Assert.True(report.Failures.Count == 0, string.Join(Environment.NewLine, report.Failures.Take(10)));
        Assert.True(report.Rejected > report.Cases / 4, $"Only {report.Rejected} of {report.Cases} inputs were refused: the mutations do not reach the checks.");
    }

    /// <summary>The parsers, with valid samples from small models and a short training run.</summary>
    private sealed class Formats
    {
        public static readonly string[] Names =
        [
            "TSMC model commitment", "TSIP inference proof", "TSIP inference proof (verify)", "TSIP hiding inference proof (verify)",
            "TSLG Ligero opening", "TSLG hiding Ligero opening (verify)", "TSSC sumcheck proof",
            "TSTT training transcript", "TSSP training step proof", "TSSR snapshot range proof", "TSIS initial snapshot proof",
            "TSTP training proofs", "TSML model link proof", "TSPB inference proof bundle", "TSPB inference proof bundle (verify)",
            "TSCS model commitment seed", "TSMC hiding model commitment (verify)", "TSSC masked sumcheck proof (verify)",
            "TSSP hiding training step proof (verify)", "TSSR hiding snapshot range proof (verify)", "TSML hiding model link proof (verify)",
            "TSTT hiding training transcript", "TSMC budgeted model commitment (verify)", "TSIP budgeted inference proof (verify)", "TSLG budgeted Ligero opening (verify)",
            "TSPW training proof piece", "TSIW inference proof piece", "TSIW inference proof piece (commit)",
            "TSIC input commitment", "TSIC input commitment (verify)", "TSIP private-input inference proof (verify)",
            "TSBF Basefold opening (verify)", "TSBF hiding Basefold opening (verify)",
        ];

        private readonly Dictionary<string, (FuzzTarget, int)> _targets = [];

        public Formats()
        {
            (CommittedModel mlp, List<int[]> mlpInputs) = InferenceTestKit.Mlp(3001, 2, 9, 5, 3);
            (CommittedModel cnn, List<int[]> cnnInputs) = InferenceTestKit.Cnn(3002, 1, 1, 6, 2, 3, 1, 1, 3);
            (int[][] mlpOutputs, InferenceProof mlpProof) = InferenceTestKit.Prove(mlp, mlpInputs);
            (_, InferenceProof cnnProof) = InferenceTestKit.Prove(cnn, cnnInputs);
            var hidingRandom = new Random(3012);
            (QuantizedModel hidingQuantized, List<int[]> hidingInputs) = Quantization.TestModels.Quantized(Quantization.TestModels.Mlp(hidingRandom, [9, 5, 3]), hidingRandom, 1);
            CommittedModel hiding = CommittedModel.Commit(hidingQuantized, LigeroParameters.DefaultHiding, new SeededSaltSource(3013));
            (int[][] hidingOutputs, InferenceProof hidingProof) = InferenceTestKit.Prove(hiding, hidingInputs);
            AddVerify("TSIP hiding inference proof (verify)", 1000, b => InferenceVerifier.VerifyBatch(hiding.Commitment, hidingInputs, hidingOutputs, InferenceProofSerializer.Deserialize(b)), InferenceProofSerializer.Serialize(hidingProof));
            AddVerify("TSMC hiding model commitment (verify)", 1000, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges(), ModelCommitmentSerializer.Serialize(hiding.Commitment));
            CommittedModel budgeted = CommittedModel.Commit(hidingQuantized, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(3020));
            (int[][] budgetedOutputs, InferenceProof budgetedProof) = InferenceTestKit.Prove(budgeted, hidingInputs);
            AddVerify("TSMC budgeted model commitment (verify)", 1000, b => ModelCommitmentSerializer.Deserialize(b).VerifyWeightRanges(), ModelCommitmentSerializer.Serialize(budgeted.Commitment));
            AddVerify("TSIP budgeted inference proof (verify)", 1000, b => InferenceVerifier.VerifyBatch(budgeted.Commitment, hidingInputs, budgetedOutputs, InferenceProofSerializer.Deserialize(b)), InferenceProofSerializer.Serialize(budgetedProof));
            (CommittedModel privateModel, List<int[]> privateInputs) = PrivateInputInferenceTests.Mlp(3022);
            CommittedInput committedInput = PrivateInputInferenceTests.Commit(privateModel, privateInputs[0], 3, 3023);
            (int[] privateOutput, InferenceProof privateProof) = InferenceProver.ProvePrivateInput(privateModel, committedInput, new SeededSaltSource(3024));
            byte[] inputCommitment = InputCommitmentSerializer.Serialize(committedInput.Commitment);
            Add("TSIC input commitment", 2000, b => InputCommitmentSerializer.Deserialize(b), inputCommitment);
            AddVerify("TSIC input commitment (verify)", 1000, b => InferenceVerifier.VerifyPrivateInput(privateModel.Commitment, InputCommitmentSerializer.Deserialize(b), privateOutput, privateProof), inputCommitment);
            AddVerify("TSIP private-input inference proof (verify)", 1000,
                b => InferenceVerifier.VerifyPrivateInput(privateModel.Commitment, committedInput.Commitment, privateOutput, InferenceProofSerializer.Deserialize(b)), InferenceProofSerializer.Serialize(privateProof));
            Add("TSMC model commitment", 2000, b => ModelCommitmentSerializer.Deserialize(b),
                [ModelCommitmentSerializer.Serialize(mlp.Commitment), ModelCommitmentSerializer.Serialize(cnn.Commitment), ModelCommitmentSerializer.Serialize(MaxPoolProofTests.Model(3011, 1, 6, 2, reluAfter: true).Model.Commitment),
                    ModelCommitmentSerializer.Serialize(hiding.Commitment)],
                [TinyStatementDenialOfServiceTests.HugeConvolutionCommitment()]);
            byte[][] inference = [InferenceProofSerializer.Serialize(mlpProof), InferenceProofSerializer.Serialize(cnnProof)];
            Add("TSIP inference proof", 2000, b => InferenceProofSerializer.Deserialize(b), inference);
            AddVerify("TSIP inference proof (verify)", 1000, b => InferenceVerifier.VerifyBatch(mlp.Commitment, mlpInputs, mlpOutputs, InferenceProofSerializer.Deserialize(b)), inference[0]);
            byte[][] bundles =
            [
                InferenceProofBundleSerializer.Serialize(new InferenceProofBundle(mlp.Commitment.Fingerprint, mlpInputs, mlpOutputs, mlpProof)),
                InferenceProofBundleSerializer.Serialize(InferenceProofBundle.Prove(cnn, cnnInputs, new SeededSaltSource(3010))),
            ];
            Add("TSPB inference proof bundle", 2000, b => InferenceProofBundleSerializer.Deserialize(b), bundles, [ProofBundleTests.HugeBundleHeader()]);
            AddVerify("TSPB inference proof bundle (verify)", 1000, b => InferenceProofBundleSerializer.Deserialize(b).Verify(mlp.Commitment), bundles[0]);
            using (ModelCommitmentSeed seed = ModelCommitmentSeed.Create())
            {
                Add("TSCS model commitment seed", 2000, b => ModelCommitmentSeed.FromBytes(b), seed.ToBytes());
            }


            (LigeroProverState state, _, GoldilocksExt2[] point) = LigeroTests.Setup(9, 3003);
            LigeroOpeningProof<GoldilocksExt2> opening = LigeroProver.Open(new Transcript("fuzz"), state, point, out _);
            Add("TSLG Ligero opening", 2000, b => LigeroProofSerializer.Deserialize<GoldilocksExt2>(b), LigeroProofSerializer.Serialize(opening));
            (LigeroProverState hidingState, _, GoldilocksExt2[] hidingPoint) = LigeroTests.Setup(9, 3014, LigeroParameters.DefaultHiding);
            LigeroOpeningProof<GoldilocksExt2> hidingOpening = LigeroProver.Open(new Transcript("fuzz"), hidingState, hidingPoint, out GoldilocksExt2 hidingValue);
            AddVerify("TSLG hiding Ligero opening (verify)", 1000,
                b => LigeroVerifier.Verify(new Transcript("fuzz"), hidingState.Commitment, LigeroParameters.DefaultHiding, hidingPoint, hidingValue, LigeroProofSerializer.Deserialize<GoldilocksExt2>(b)),
                LigeroProofSerializer.Serialize(hidingOpening));
            LigeroParameters budget = LigeroParameters.DefaultHidingWithBudget(2);
            (LigeroProverState budgetedState, _, GoldilocksExt2[] budgetedPoint) = LigeroTests.Setup(9, 3021, budget);
            LigeroOpeningProof<GoldilocksExt2> budgetedOpening = LigeroProver.Open(new Transcript("fuzz"), budgetedState, budgetedPoint, out GoldilocksExt2 budgetedValue);
            AddVerify("TSLG budgeted Ligero opening (verify)", 1000,
                b => LigeroVerifier.Verify(new Transcript("fuzz"), budgetedState.Commitment, budget, budgetedPoint, budgetedValue, LigeroProofSerializer.Deserialize<GoldilocksExt2>(b)),
                LigeroProofSerializer.Serialize(budgetedOpening));
            foreach ((string name, BasefoldParameters parameters) in new[] { ("TSBF Basefold opening (verify)", BasefoldParameters.Default), ("TSBF hiding Basefold opening (verify)", BasefoldParameters.DefaultHiding) })
            {
                (BasefoldProverState basefold, _, GoldilocksExt2[] basefoldPoint) = BasefoldTests.Setup(9, 3022, parameters);
                BasefoldOpening<GoldilocksExt2> basefoldOpening = BasefoldProver.Open(new Transcript("fuzz"), basefold, basefoldPoint, out GoldilocksExt2 basefoldValue);
                AddVerify(name, 1000,
                    b => BasefoldVerifier.Verify(new Transcript("fuzz"), basefold.Commitment, parameters, basefoldPoint, basefoldValue, BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(b)),
                    BasefoldOpeningSerializer.Serialize(basefoldOpening));
            }

            var words = new SeededWordSource(3004);
            MultilinearPolynomial<GoldilocksExt2>[] factors = [new(words.NextArray<GoldilocksExt2>(16)), new(words.NextArray<GoldilocksExt2>(16))];
            SumcheckProof<GoldilocksExt2> sumcheck = SumcheckProver.Prove(new Transcript("fuzz"), SumcheckProver.ComputeSum(factors), factors).Proof;
            Add("TSSC sumcheck proof", 2000, b => SumcheckProofSerializer.Deserialize<GoldilocksExt2>(b), SumcheckProofSerializer.Serialize(sumcheck));
            MultilinearPolynomial<GoldilocksExt2>[] maskedFactors = [new(words.NextArray<GoldilocksExt2>(32)), new(words.NextArray<GoldilocksExt2>(32)), new(words.NextArray<GoldilocksExt2>(32))];
            GoldilocksExt2 maskedSum = SumcheckProver.ComputeSum(maskedFactors);
            ZeroKnowledgeSumcheckTests.MaskedRun masked = ZeroKnowledgeSumcheckTests.ProveMasked([maskedFactors], 8, 3015);
            AddVerify("TSSC masked sumcheck proof (verify)", 2000,
                b => ZeroKnowledgeSumcheckTests.VerifyMasked([(maskedSum, 5, 3)], masked with { Proofs = [SumcheckProofSerializer.Deserialize<GoldilocksExt2>(b)] }) == (SumcheckFailure.None, true),
                SumcheckProofSerializer.Serialize(masked.Proofs[0]));

            var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 3005);
            TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 3006).Train;
            TrainingRun run = TrainingRun.Record(config, data, 3, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(3007)); // the plain formats (and pieces: plain runs only)
            TrainingProofs proofs = TrainingProver.ProveEveryStep(run, data);
            Add("TSTT training transcript", 2000, b => TrainingTranscriptSerializer.Deserialize(b),
                [TrainingTranscriptSerializer.Serialize(run.Transcript)], [TinyStatementDenialOfServiceTests.HugeNetworkTranscript()]);
            Add("TSSP training step proof", 1000, b => TrainingStepProofSerializer.Deserialize(b), TrainingStepProofSerializer.Serialize(proofs.Steps[0]));
            Add("TSSR snapshot range proof", 1000, b => SnapshotRangeProofSerializer.Deserialize(b), SnapshotRangeProofSerializer.Serialize(proofs.Ranges[0]));
            Add("TSIS initial snapshot proof", 1000, b => InitialSnapshotProofSerializer.Deserialize(b), InitialSnapshotProofSerializer.Serialize(proofs.Initial));
            Add("TSTP training proofs", 500, b => TrainingProofsSerializer.Deserialize(b), TrainingProofsSerializer.Serialize(proofs));

            TrainingProofPlan piecePlan = TrainingProofPlan.EveryStep(run.Transcript);
            byte[] stepPiece = piecePlan.Piece(Enumerable.Range(0, piecePlan.Count).First(i => !piecePlan[i].IsRange), run, data).Serialize();
            byte[] rangePiece = piecePlan.Piece(Enumerable.Range(0, piecePlan.Count).First(i => piecePlan[i].IsRange), run, data).Serialize();
            Add("TSPW training proof piece", 1000, b => TrainingProofPiece.Deserialize(b, run.Transcript), [stepPiece, rangePiece], [Attacks.ProofPieceAttackTests.StepPieceDeclaringAHugeBatch(stepPiece, run.Transcript)]);
            using (Inference.InferenceProofPieceTests.Owner owner = Inference.InferenceProofPieceTests.Owner.Create(3021, LigeroParameters.NonHidingForBenchmarks))
            {
                ModelCommitment pieceCommitment = owner.Committed.Commitment;
                InferenceProofPiece inferencePiece = new InferenceProofPlan(pieceCommitment, owner.Inputs, 2).Piece(0, owner.Committed.Model, owner.Seed);
                byte[] secret = inferencePiece.Secret.ToArray();
                byte[] inferenceBytes = inferencePiece.Serialize();
                Add("TSIW inference proof piece", 2000, b => InferenceProofPiece.Deserialize(b, pieceCommitment, InferenceProofBundle.MaxSamples, long.MaxValue),
                    [inferenceBytes], [Attacks.ProofPieceAttackTests.InferencePieceDeclaringManyInputs(inferenceBytes, pieceCommitment, 2, uint.MaxValue)]);

                // A piece that parses commits to the published fingerprint exactly when its seed and weights are the owner's.
                Add("TSIW inference proof piece (commit)", 500, b =>
                {
                    InferenceProofPiece piece = InferenceProofPiece.Deserialize(b, pieceCommitment, InferenceProofBundle.MaxSamples, long.MaxValue);
                    bool same = piece.Secret.SequenceEqual(secret);
                    piece.Commit(pieceCommitment);
                    return same ? true : throw new InvalidOperationException("A piece with another seed or other weights committed to the published fingerprint.");
                }, inferenceBytes);
            }

            QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], 16, 6);
            CommittedModel linked = CommittedModel.Commit(quantized, salts: new SeededSaltSource(3008));
            ModelLinkProof link = ModelLinkArgument.Prove(run, linked, new SeededSaltSource(3009));
            Add("TSML model link proof", 1000, b => ModelLinkProofSerializer.Deserialize(b), ModelLinkProofSerializer.Serialize(link));

            TrainingRun hidingRun = TrainingRun.Record(config, data, 2, LigeroParameters.DefaultHiding, new SeededSaltSource(3016));
            TrainingStepProof hidingStep = TrainingStepProver.Prove(hidingRun, data, 1, new SeededSaltSource(3017));
            Add("TSTT hiding training transcript", 1000, b => TrainingTranscriptSerializer.Deserialize(b), TrainingTranscriptSerializer.Serialize(hidingRun.Transcript));
            AddVerify("TSSP hiding training step proof (verify)", 1000, b => TrainingStepVerifier.Verify(hidingRun.Transcript, TrainingStepProofSerializer.Deserialize(b)), TrainingStepProofSerializer.Serialize(hidingStep));
            SnapshotRangeProof hidingRange = SnapshotRangeArgument.Prove(hidingRun, 2, new SeededSaltSource(3018));
            AddVerify("TSSR hiding snapshot range proof (verify)", 1000, b => SnapshotRangeArgument.Verify(hidingRun.Transcript, SnapshotRangeProofSerializer.Deserialize(b)), SnapshotRangeProofSerializer.Serialize(hidingRange));
            CommittedModel hidingLinked = CommittedModel.Commit(ModelLinkArgument.Quantize(hidingRun.Snapshots[^1], 16, 6), LigeroParameters.DefaultHiding, new SeededSaltSource(3019));
            ModelLinkProof hidingLink = ModelLinkArgument.Prove(hidingRun, hidingLinked, new SeededSaltSource(3020));
            AddVerify("TSML hiding model link proof (verify)", 1000, b => ModelLinkArgument.Verify(hidingRun.Transcript, hidingLinked.Commitment, ModelLinkProofSerializer.Deserialize(b)), ModelLinkProofSerializer.Serialize(hidingLink));
        }

        public (FuzzTarget Target, int CiCases) Target(string name) => _targets[name];

        private void Add(string name, int ciCases, Func<byte[], object> parse, params byte[][] samples) => Add(name, ciCases, parse, samples, []);

        /// <summary>
        /// A "verify" target: the verifier must accept the unchanged sample and refuse every changed input (a changed input
        /// that verifies is reported as a failure, as an exception other than the format exception is).
        /// </summary>
        private void AddVerify(string name, int ciCases, Func<byte[], bool> verify, byte[] sample) =>
            Add(name, ciCases, b => verify(b) && !b.AsSpan().SequenceEqual(sample) ? throw new InvalidOperationException("A changed proof was accepted.") : (object)true, sample);

        private void Add(string name, int ciCases, Func<byte[], object> parse, byte[][] samples, byte[][] hostile) =>
            _targets[name] = (new FuzzTarget(name, parse, samples, e => e is ProofFormatException, hostile), ciCases);
    }
}
