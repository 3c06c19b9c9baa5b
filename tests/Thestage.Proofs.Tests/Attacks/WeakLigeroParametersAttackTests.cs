using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Training;
using Thestage.Proofs.Training;
using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// Issue 10, item 11: the Ligero parameters are chosen by whoever publishes the statement. Under
/// <c>LigeroParameters(1, 1)</c> (rate 1/2, one column query) a false opening passes with probability close to 1/2 per try.
/// </summary>
public sealed class WeakLigeroParametersAttackTests
{
    private static readonly LigeroParameters Weak = new(1, 1);

    [Fact]
    public void TrainedStartPassedOffAsTheInitialWeightsUnderOneColumnQuery_IsRefused()
    {
        // 4-8-3 packs into one polynomial. The trainer records its run with one column query, then replaces snapshot 0 by the
        // trained snapshot 1 and forges the initial-snapshot opening to the value the verifier expects.
        var config = new TrainingConfig([4, 8, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 1110);
        TrainingRun run = TrainingRun.Record(config, SyntheticData.Blobs(config, 16, 1, 0.4, 1111).Train, 1, Weak, new SeededSaltSource(1112));
        Goldilocks[][] trained = WeightCommitment.Evaluations(run.Snapshots[1]);
        Goldilocks[] initial = WeightCommitment.Evaluations(FixedPointTrainer.InitialWeights(config)).Single();
        Assert.NotEqual(initial, trained[0]);
        (TrainingTranscript transcript, LigeroProverState[] states) = SnapshotPaddingTests.Recommit(run.Transcript, 0, trained, 1113);

        LigeroOpeningProof<E> forged = ForgeOpening(
            () =>
            {
                Transcript fs = InitialSnapshotArgument.Begin(transcript);
                return (fs, fs.Challenges<E>(InitialSnapshotArgument.PointLabel, states[0].Commitment.NumVariables));
            },
            states[0],
            z => MatrixMultiplicationSumcheck.EvaluateMatrix<E>(initial, z));
        var proof = new InitialSnapshotProof([forged]);

        // The forgery is real: a verifier that trusted the transcript's parameters (0.4 bits) accepts it ...
        Assert.InRange(InitialSnapshotArgument.SoundnessBits(transcript), 0, 1);
        Assert.True(InitialSnapshotArgument.Verify(transcript, proof, new VerifierPolicy { MinimumSoundnessBits = 0 }));

        // ... and the default policy refuses the statement, as does the run verifier.
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(transcript, proof, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
        VerdictAssert.Rejected(TrainingVerifier.Check(transcript, new TrainingProofs(false, 0, default, proof, [], []), VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
    }

    [Fact]
    public void ModelCommitmentWithOneColumnQuery_IsRefusedByTheInferenceVerifiers()
    {
        var random = new Random(1120);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, 7, 5, 3), random, 2);
        CommittedModel weak = CommittedModel.Commit(model, Weak, new SeededSaltSource(1121));
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(weak.Commitment));
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(weak, inputs, new SeededSaltSource(1122));

        // Below zero bits: each opening (the witness's, the weights', the range proof's) passes a false value with probability 3/4.
        Assert.True(InferenceVerifier.SoundnessBits(published, 1) < 0);
        VerdictAssert.Rejected(
            InferenceVerifier.Check(published, inputs[0], IntegerEvaluator.Evaluate(model, inputs[0]), InferenceProver.Prove(weak, inputs[0]).Proof, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(published, inputs, outputs, proof, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);

        // The commitment's own range check applies the policy too (it trusted the commitment's parameters before): a caller
        // asking only whether the published weights are int8 is refused the weak statement rather than told "valid".
        VerdictAssert.Rejected(published.CheckWeightRanges(), RejectionReason.SoundnessPolicy);
        Assert.False(published.VerifyWeightRanges());
        Assert.True(published.CheckWeightRanges(new VerifierPolicy { MinimumSoundnessBits = 0 }).IsAccepted);

        // Control: the same model under the default parameters is accepted.
        CommittedModel strong = CommittedModel.Commit(model, salts: new SeededSaltSource(1123));
        Assert.True(strong.Commitment.VerifyWeightRanges());
        (outputs, proof) = InferenceProver.ProveBatch(strong, inputs, new SeededSaltSource(1124));
        Assert.True(InferenceVerifier.VerifyBatch(strong.Commitment, inputs, outputs, proof));
    }

    [Fact]
    public void TrainingTranscriptWithOneColumnQuery_IsRefusedByEveryTrainingVerifier()
    {
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 1130);
        TrainingDataset data = SyntheticData.Blobs(config, 24, 1, 0.4, 1131).Train;
        TrainingRun run = TrainingRun.Record(config, data, 2, Weak, new SeededSaltSource(1132));
        TrainingTranscript transcript = run.Transcript;
        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, data);
        Assert.True(TrainingVerifier.SoundnessBits(transcript) < 0);
        VerdictAssert.Rejected(TrainingVerifier.Check(transcript, proofs, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
        VerdictAssert.Rejected(TrainingStepVerifier.Check(transcript, proofs.Steps[0], VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
        VerdictAssert.Rejected(SnapshotRangeArgument.Check(transcript, proofs.Ranges[0], VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
        VerdictAssert.Rejected(InitialSnapshotArgument.Check(transcript, proofs.Initial, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);

        QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], 16, 6);
        CommittedModel model = CommittedModel.Commit(quantized, salts: new SeededSaltSource(1133));
        ModelLinkProof link = ModelLinkArgument.Prove(run, model, new SeededSaltSource(1134));
        Assert.True(ModelLinkArgument.SoundnessBits(transcript, model.Commitment, link) < 0);
        VerdictAssert.Rejected(ModelLinkArgument.Check(transcript, model.Commitment, link, VerifierPolicy.Default), RejectionReason.SoundnessPolicy);
    }

    [Fact]
    public void EveryVerifierHonoursAStricterPolicy()
    {
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 1140);
        TrainingDataset data = SyntheticData.Blobs(config, 24, 1, 0.4, 1141).Train;
        TrainingRun run = TrainingRun.Record(config, data, 1, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1142));
        TrainingProofs proofs = TrainingProver.ProveEveryStep(run, data);
        QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], 16, 6);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(1143));
        ModelLinkProof link = ModelLinkArgument.Prove(run, model, new SeededSaltSource(1144));
        int[] input = Enumerable.Range(0, 5).Select(i => (i * 37 % 200) - 100).ToArray();
        (int[] output, InferenceProof inference) = InferenceProver.Prove(model, input, new SeededSaltSource(1145));

        // The plain parameters give 100.3 to 102.1 bits: accepted at the default 100, refused by a verifier asking for 103.
        var strict = new VerifierPolicy { MinimumSoundnessBits = 103 };
        foreach ((string what, Func<VerifierPolicy, bool> verify) in new (string, Func<VerifierPolicy, bool>)[]
        {
            ("run", p => TrainingVerifier.Verify(run.Transcript, proofs, p)),
            ("step", p => TrainingStepVerifier.Verify(run.Transcript, proofs.Steps[0], p)),
            ("range", p => SnapshotRangeArgument.Verify(run.Transcript, proofs.Ranges[0], p)),
            ("initial", p => InitialSnapshotArgument.Verify(run.Transcript, proofs.Initial, p)),
            ("link", p => ModelLinkArgument.Verify(run.Transcript, model.Commitment, link, p)),
            ("inference", p => InferenceVerifier.Verify(model.Commitment, input, output, inference, p)),
            ("batch", p => InferenceVerifier.VerifyBatch(model.Commitment, [input], [output], inference, p)),
        })
        {
            Assert.True(verify(VerifierPolicy.Default), what);
            Assert.False(verify(strict), what);
        }
    }

    /// <summary>
    /// Opens <paramref name="state"/> to a false value under one column query: with <c>u = eq(r_row)ᵀM</c> the honest
    /// evaluation row, it sends <c>u + λ·Δ</c>, where <c>Enc(Δ)</c> vanishes on <c>k − 1</c> chosen columns and <c>λ</c> makes
    /// <c>⟨u + λΔ, eq(r_col)⟩</c> the target; the queried column then agrees with the committed one whenever it is among the
    /// chosen ones (probability <c>(k − 1)/2k</c>), so it retries with other columns until it is.
    /// </summary>
    private static LigeroOpeningProof<E> ForgeOpening(Func<(Transcript Transcript, E[] Point)> start, LigeroProverState state, Func<E[], E> target)
    {
        int rows = state.RowCount, k = state.RowLength, n = state.CodewordLength;
        Assert.True(k >= 2 && state.Parameters.ColumnQueries == 1);
        int rowVariables = state.Parameters.RowVariables(state.Commitment.NumVariables);
        Goldilocks[][] unitCodewords = Enumerable.Range(0, k).Select(j =>
        {
            var message = new Goldilocks[k];
            message[j] = Goldilocks.One;
            var codeword = new Goldilocks[n];
            GoldilocksNtt.CosetLowDegreeExtension(message, codeword);
            return codeword;
        }).ToArray();
        var random = new Random(1150);
        for (int attempt = 0; attempt < 500; attempt++)
        {
            (Transcript transcript, E[] z) = start();
            E[] u = Combine(state, EqPolynomial.Table<E>(z[..rowVariables]), k);
            E[] eqColumn = EqPolynomial.Table<E>(z[rowVariables..]);
            int[] zeros = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(k - 1).ToArray();
            Goldilocks[] delta = NullVector(zeros.Select(c => unitCodewords.Select(w => w[c]).ToArray()).ToArray(), k);
            E dot = E.Zero;
            for (int i = 0; i < k; i++)
            {
                dot += eqColumn[i].MultiplyByBase(delta[i]);
            }

            E goal = target(z);
            if (dot == E.Zero)
            {
                continue;
            }

            E lambda = (goal - FieldMath.InnerProduct<E>(u, eqColumn)) * E.Invert(dot);
            E[] forged = u.Select((x, i) => x + lambda.MultiplyByBase(delta[i])).ToArray();
            E[] gamma = LigeroProtocol.BeginOpening(transcript, state.Commitment, state.Parameters, z, goal, rows);
            E[] proximity = Combine(state, gamma, k);
            int[] queried = LigeroProtocol.QueryColumns<E>(transcript, proximity, forged, n, 1);
            if (!queried.All(zeros.Contains))
            {
                continue;
            }

            var columns = new Goldilocks[queried.Length * rows];
            var salts = new byte[queried.Length * 16];
            for (int q = 0; q < queried.Length; q++)
            {
                for (int i = 0; i < rows; i++)
                {
                    columns[(q * rows) + i] = state.Encoded[(i * n) + queried[q]];
                }

                state.Salts.AsSpan(queried[q] * 16, 16).CopyTo(salts.AsSpan(q * 16));
            }

            return new LigeroOpeningProof<E>(proximity, forged, rows, columns, salts, state.Tree.OpenBatch(queried));
        }

        throw new InvalidOperationException("No forgery in 500 tries.");
    }

    private static E[] Combine(LigeroProverState state, E[] weights, int k)
    {
        var result = new E[k];
        for (int i = 0; i < weights.Length; i++)
        {
            for (int j = 0; j < k; j++)
            {
                result[j] += weights[i].MultiplyByBase(state.Evaluations[(i * k) + j]);
            }
        }

        return result;
    }

    /// <summary>A non-zero solution of <c>A·x = 0</c> for <c>A</c> with <c>k − 1</c> rows and <c>k</c> columns (Gaussian elimination over F_p).</summary>
    private static Goldilocks[] NullVector(Goldilocks[][] a, int k)
    {
        int[] pivotColumn = new int[a.Length];
        int rank = 0;
        for (int column = 0; column < k && rank < a.Length; column++)
        {
            int pivot = Array.FindIndex(a, rank, r => r[column] != Goldilocks.Zero);
            if (pivot < 0)
            {
                continue;
            }

            (a[rank], a[pivot]) = (a[pivot], a[rank]);
            Goldilocks inverse = Goldilocks.Invert(a[rank][column]);
            a[rank] = a[rank].Select(x => x * inverse).ToArray();
            for (int r = 0; r < a.Length; r++)
            {
                if (r != rank && a[r][column] != Goldilocks.Zero)
                {
                    Goldilocks factor = a[r][column];
                    a[r] = a[r].Select((x, c) => x - (factor * a[rank][c])).ToArray();
                }
            }

            pivotColumn[rank++] = column;
        }

        int free = Enumerable.Range(0, k).First(c => !pivotColumn.Take(rank).Contains(c));
        var x = new Goldilocks[k];
        x[free] = Goldilocks.One;
        for (int r = 0; r < rank; r++)
        {
            x[pivotColumn[r]] = -a[r][free];
        }

        return x;
    }
}
