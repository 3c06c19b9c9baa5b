using System.Numerics;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;
using Xunit.Abstractions;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Training;

/// <summary>
/// The plain model link (<c>TSML</c> v1: published multiplicities and shift witnesses), so every run and model here is committed
/// with <see cref="LigeroParameters.NonHidingForBenchmarks"/>; the zero-knowledge link of the default parameters is tested in
/// <see cref="ZeroKnowledgeStepTests"/>.
/// </summary>
public sealed class ModelLinkTests(ITestOutputHelper output)
{
    private static readonly LigeroParameters Plain = LigeroParameters.NonHidingForBenchmarks;

    // With this input format the small run has bias shifts τ = [−1, 1]: exact scaling and rounding both occur.
    private const int InputBits = 16;
    private const int InputFractionBits = 6;

    [Fact]
    public void QuantizationFollowsTheDocumentedMapComputedIndependently()
    {
        TrainingRun run = Run();
        FixedPointWeights final = run.Snapshots[^1];
        TrainingConfig config = final.Config;
        QuantizedModel model = ModelLinkArgument.Quantize(final, InputBits, InputFractionBits);
        Assert.Equal(2 * config.LayerCount - 1, model.Layers.Count);
        Assert.Equal(InputFractionBits, model.InputFractionBits);
        int a = InputFractionBits;
        var taus = new List<int>();
        for (int l = 0; l < config.LayerCount; l++)
        {
            QuantizedLayer dense = model.Layers[2 * l];
            int[] w = final.GetWeights(l);
            // σ by brute force over real division (BigInteger floor), the smallest with every rounded weight an int8.
            int sigma = Enumerable.Range(0, config.WeightBits + 1).First(s => w.All(v => RoundHalfUp(v, s) is >= -128 and <= 127));
            Assert.Equal(w.Select(v => (int)RoundHalfUp(v, sigma)).ToArray(), dense.Weights.ToArray());
            Assert.Contains(w, v => sigma == 0 || RoundHalfUp(v, sigma - 1) is < -128 or > 127);

            int c = a + config.FractionalBits - sigma;
            int tau = config.FractionalBits - c;
            taus.Add(tau);
            int[] b = final.GetBiases(l);
            int[] expected = b.Select(v => (int)(tau >= 0 ? RoundHalfUp(v, tau) : (BigInteger)v * BigInteger.Pow(2, -tau))).ToArray();
            Assert.Equal(expected, dense.Bias.ToArray());
            if (l + 1 < config.LayerCount)
            {
                Assert.Equal(LayerKind.Relu, model.Layers[(2 * l) + 1].Kind);
            }

            // The shift is the smallest that keeps the model total (one less is rejected by QuantizedModel, by the next
            // layer, or leaves some admissible input unprovable).
            if (dense.Shift > 0)
            {
                QuantizedLayer[] layers = [.. model.Layers];
                layers[2 * l] = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, dense.Weights, dense.Bias, dense.Shift - 1);
                bool refusedOrPartial;
                try
                {
                    refusedOrPartial = !new QuantizedModel(model.InputShape, InputBits, InputFractionBits, model.OutputFractionBits, layers).IsTotal;
                }
                catch (ArgumentException)
                {
                    refusedOrPartial = true;
                }

                Assert.True(refusedOrPartial);
            }

            a = c - dense.Shift;
        }

        Assert.Equal(a, model.OutputFractionBits);
        Assert.True(model.IsTotal); // every admissible input of the linked model is proven
        output.WriteLine($"bias shifts τ = [{string.Join(", ", taus)}]");
        Assert.Contains(taus, t => t < 0); // exact scaling up …
        Assert.Contains(taus, t => t > 0); // … and rounding down both occur here
        Assert.Equal(model.Layers.Select(CircuitLayer.From), ModelLinkArgument.Quantize(final, InputBits, InputFractionBits).Layers.Select(CircuitLayer.From));
    }

    [Fact]
    public void LinkVerifiesAndTheLinkedModelsInferenceProofsVerify()
    {
        (TrainingRun run, TrainingDataset data) = RunWithData();
        QuantizedModel model = ModelLinkArgument.Quantize(run.Snapshots[^1], InputBits, InputFractionBits);
        CommittedModel committed = CommittedModel.Commit(model, Plain, new SeededSaltSource(901));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, committed, new SeededSaltSource(902));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, proof));
        double bits = ModelLinkArgument.SoundnessBits(run.Transcript, committed.Commitment, proof);
        output.WriteLine($"soundness {bits:F2} bits, σ = [{string.Join(", ", proof.WeightShifts)}]");
        Assert.InRange(bits, 100.0, 104.0);

        // The same check on the published bytes of both sides.
        ModelCommitment published = ModelCommitmentSerializer.Deserialize(ModelCommitmentSerializer.Serialize(committed.Commitment));
        ModelLinkProof copy = ModelLinkProofSerializer.Deserialize(ModelLinkProofSerializer.Serialize(proof));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, published, copy));

        // Chain end to end: an inference proof against the linked commitment, on a training sample.
        TrainingConfig config = run.Transcript.Config;
        int[] input = model.QuantizeInput(data.GetFeatures(0).Select(v => Math.ScaleB(v, -config.FractionalBits)).ToArray());
        (int[] result, InferenceProof inference) = InferenceProver.Prove(committed, input, new SeededSaltSource(903));
        Assert.Equal(IntegerEvaluator.Evaluate(model, input), result);
        Assert.True(InferenceVerifier.Verify(published, input, result, inference));
    }

    [Fact]
    public void NarrowTrainingWeightsNeedNoWeightShift()
    {
        // 8-bit training weights are int8 already: σ = 0, no weight remainders, witnesses (0, 0).
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 4, fractionalBits: 6, weightBits: 8, valueBits: 16, seed: 97);
        TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 98).Train;
        TrainingRun run = TrainingRun.Record(config, data, 2, Plain, new SeededSaltSource(99));
        QuantizedModel model = ModelLinkArgument.Quantize(run.Snapshots[^1], 12, 8);
        Assert.Equal(run.Snapshots[^1].GetWeights(0), model.Layers[0].Weights.ToArray());
        CommittedModel committed = CommittedModel.Commit(model, Plain, new SeededSaltSource(970));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, committed, new SeededSaltSource(971));
        Assert.Equal([0, 0], proof.WeightShifts);
        Assert.Equal([0, 0], proof.WitnessIndices);
        Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, proof));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, ModelLinkProofSerializer.Deserialize(ModelLinkProofSerializer.Serialize(proof))));
        var withWitness = new ModelLinkProof(
            [.. proof.WeightShifts], [1, 0], [.. proof.WitnessValues], proof.RemainderRoot, [.. proof.Multiplicities], [.. proof.Sumchecks],
            [.. proof.Values], [.. proof.RemainderOpenings], [.. proof.TrainingOpenings], [.. proof.ModelOpenings]);
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, withWitness, VerifierPolicy.Default), RejectionReason.Relation, "shift witnesses");
        Assert.Throws<ArgumentException>(() => ModelLinkProofSerializer.Serialize(withWitness));
    }

    [Fact]
    public void AnotherQuantizationOfTheFinalSnapshotIsRejected()
    {
        TrainingRun run = Run();
        FixedPointWeights final = run.Snapshots[^1];
        int[] sigma = ModelLinkArgument.WeightShifts(final);
        QuantizedModel honest = ModelLinkArgument.Quantize(final, InputBits, InputFractionBits);
        int salt = 910;
        foreach ((int layer, bool bias, int position) in new[] { (0, false, 0), (0, false, 29), (1, false, 17), (0, true, 5), (1, true, 0) })
        {
            foreach (int delta in new[] { 1, -1 })
            {
                // The committed model differs from the map in one weight or bias by one; the prover follows the protocol.
                QuantizedModel forged = Perturb(honest, layer, bias, position, delta);
                CommittedModel committed = CommittedModel.Commit(forged, Plain, new SeededSaltSource(salt++));
                Assert.True(committed.Commitment.VerifyWeightRanges());
                Assert.Throws<ArgumentException>(() => ModelLinkArgument.Prove(run, committed));
                ModelLinkProof proof = ModelLinkArgument.Prove(
                    run.Transcript, final, run.WeightStates(run.Transcript.StepCount), committed, sigma, new SeededSaltSource(salt++));
                Assert.False(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, proof), $"layer {layer}, bias {bias}, {position}, {delta}");

                // A weight or bias off by one moves its remainder by 2^σ (2^τ′), out of the looked-up range; layer 0's bias has
                // no remainder limbs here (τ′ = 0: it is an exact rescaling), so its identity itself fails.
                ProofVerdict verdict = ModelLinkArgument.Check(run.Transcript, committed.Commitment, proof, VerifierPolicy.Default);
                if (bias && layer == 0)
                {
                    VerdictAssert.Rejected(verdict, RejectionReason.Relation, "bias rounding, layer 0");
                }
                else
                {
                    VerdictAssert.Rejected(verdict, RejectionReason.Lookup, "lookup");
                }
            }
        }

        // A coarser weight shift is a valid rounding too, but not the smallest: no witness exists and none can be forged.
        int[] coarse = [sigma[0] + 1, sigma[1]];
        CommittedModel coarser = CommittedModel.Commit(ModelLinkArgument.Quantize(final, InputBits, InputFractionBits, coarse), Plain, new SeededSaltSource(salt++));
        ModelLinkProof noWitness = ModelLinkArgument.Prove(
            run.Transcript, final, run.WeightStates(run.Transcript.StepCount), coarser, coarse, new SeededSaltSource(salt++));
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, coarser.Commitment, noWitness, VerifierPolicy.Default), RejectionReason.Relation, "shift witnesses");
        TrainingConfig config = run.Transcript.Config;
        var fakeWitness = new ModelLinkProof(
            [.. noWitness.WeightShifts], [.. noWitness.WitnessIndices], [(int)config.WeightMax, noWitness.WitnessValues[1]], noWitness.RemainderRoot,
            [.. noWitness.Multiplicities], [.. noWitness.Sumchecks], [.. noWitness.Values], [.. noWitness.RemainderOpenings], [.. noWitness.TrainingOpenings],
            [.. noWitness.ModelOpenings]);
        // The transcript binds the witnesses, so a proof made for the others fails at its first check, the lookup.
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, coarser.Commitment, fakeWitness, VerifierPolicy.Default), RejectionReason.Lookup);

        // Another input format changes the biases' scale and the shifts: a proof for one model does not verify for the other.
        CommittedModel model = CommittedModel.Commit(honest, Plain, new SeededSaltSource(salt++));
        CommittedModel other = CommittedModel.Commit(ModelLinkArgument.Quantize(final, InputBits, InputFractionBits - 2), Plain, new SeededSaltSource(salt++));
        ModelLinkProof valid = ModelLinkArgument.Prove(run, model, new SeededSaltSource(salt++));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, model.Commitment, valid));
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, other.Commitment, valid, VerifierPolicy.Default), RejectionReason.Lookup);
        Assert.True(ModelLinkArgument.Verify(run.Transcript, other.Commitment, ModelLinkArgument.Prove(run, other, new SeededSaltSource(salt++))));
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, model.Commitment, null, VerifierPolicy.Default), RejectionReason.Format);
    }

    [Fact]
    public void OnlyTheFinalSnapshotLinks()
    {
        TrainingRun run = Run();
        int final = run.Transcript.StepCount;
        int salt = 930;
        for (int snapshot = 0; snapshot < final; snapshot++)
        {
            FixedPointWeights earlier = run.Snapshots[snapshot];
            Assert.False(earlier.ContentEquals(run.Snapshots[final]));
            QuantizedModel model = ModelLinkArgument.Quantize(earlier, InputBits, InputFractionBits);
            CommittedModel committed = CommittedModel.Commit(model, Plain, new SeededSaltSource(salt++));
            int[] sigma = ModelLinkArgument.WeightShifts(earlier);

            // Honest about the earlier snapshot (its tables and openings), absorbing the transcript's final roots as the verifier does.
            ModelLinkProof stale = ModelLinkArgument.Prove(run.Transcript, earlier, run.WeightStates(snapshot), committed, sigma, new SeededSaltSource(salt++));
            VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, stale, VerifierPolicy.Default), RejectionReason.Opening, "opening of final snapshot");

            // The earlier snapshot's quantization against the final snapshot's tables and openings.
            ModelLinkProof mixed = ModelLinkArgument.Prove(run.Transcript, run.Snapshots[final], run.WeightStates(final), committed, sigma, new SeededSaltSource(salt++));
            VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, mixed, VerifierPolicy.Default), RejectionReason.Lookup, "lookup");
            Assert.Throws<ArgumentException>(() => ModelLinkArgument.Prove(run, committed));
        }

        // The linked model and its proof against another recording of the same configuration and data (other salts, so
        // other roots and batches).
        CommittedModel linked = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[final], InputBits, InputFractionBits), Plain, new SeededSaltSource(salt++));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, linked, new SeededSaltSource(salt++));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, linked.Commitment, proof));
        (TrainingRun twin, _) = RunWithData(94);
        VerdictAssert.Rejected(ModelLinkArgument.Check(twin.Transcript, linked.Commitment, proof, VerifierPolicy.Default), RejectionReason.Lookup);
        CommittedModel twinModel = CommittedModel.Commit(ModelLinkArgument.Quantize(twin.Snapshots[^1], InputBits, InputFractionBits), Plain, new SeededSaltSource(salt++));
        Assert.True(ModelLinkArgument.Verify(twin.Transcript, twinModel.Commitment, ModelLinkArgument.Prove(twin, twinModel, new SeededSaltSource(salt++))));
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, twinModel.Commitment, ModelLinkArgument.Prove(twin, twinModel, new SeededSaltSource(salt++)), VerifierPolicy.Default), RejectionReason.Lookup);
    }

    [Fact]
    public void SerializedProofsRoundTripAndMutationsNeverVerify()
    {
        TrainingRun run = Run();
        CommittedModel model = CommittedModel.Commit(ModelLinkArgument.Quantize(run.Snapshots[^1], InputBits, InputFractionBits), Plain, new SeededSaltSource(950));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, model, new SeededSaltSource(951));
        byte[] bytes = ModelLinkProofSerializer.Serialize(proof);
        Assert.Equal("TSML"u8.ToArray(), bytes[..4]);
        Assert.Equal(bytes, ModelLinkProofSerializer.Serialize(ModelLinkProofSerializer.Deserialize(bytes)));

        // The header, shifts, witnesses, limb root and first multiplicities byte by byte, then sampled positions: a
        // ProofFormatException or a rejected proof, never another exception or an accepted proof.
        var random = new Random(952);
        IEnumerable<int> positions = Enumerable.Range(0, 120).Concat(Enumerable.Range(0, 400).Select(_ => random.Next(120, bytes.Length)));
        int formatErrors = 0, rejections = 0;
        foreach (int position in positions)
        {
            byte[] tampered = (byte[])bytes.Clone();
            tampered[position] ^= (byte)random.Next(1, 256);
            ModelLinkProof parsed;
            try
            {
                parsed = ModelLinkProofSerializer.Deserialize(tampered);
            }
            catch (ProofFormatException)
            {
                formatErrors++;
                continue;
            }

            Assert.False(ModelLinkArgument.Verify(run.Transcript, model.Commitment, parsed), $"byte {position}");
            rejections++;
        }

        output.WriteLine($"{bytes.Length} bytes; {formatErrors} format errors, {rejections} rejections");
        Assert.True(formatErrors > 0 && rejections > 0);
        foreach (int length in new[] { 0, 3, 6, 7, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<ProofFormatException>(() => ModelLinkProofSerializer.Deserialize(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => ModelLinkProofSerializer.Deserialize([.. bytes, 0]));
    }

    [Fact]
    public void ProofsAreBoundToTheirMessagesAndTheModelsRangeProof()
    {
        TrainingRun run = Run();
        QuantizedModel model = ModelLinkArgument.Quantize(run.Snapshots[^1], InputBits, InputFractionBits);
        CommittedModel committed = CommittedModel.Commit(model, Plain, new SeededSaltSource(960));
        ModelLinkProof proof = ModelLinkArgument.Prove(run, committed, new SeededSaltSource(961));
        Assert.True(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, proof));
        Assert.Equal(2, proof.TrainingOpenings.Count); // 5-6-3: W_0 has its own snapshot polynomial
        Assert.Single(proof.ModelOpenings); // 5-6-3: one model polynomial, since two openings would be larger (SegmentLayout)

        ModelLinkProof With(
            IReadOnlyList<Goldilocks>? multiplicities = null,
            IReadOnlyList<GoldilocksExt2>? values = null,
            IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>>? training = null,
            IReadOnlyList<LigeroOpeningProof<GoldilocksExt2>>? models = null,
            int[]? indices = null) =>
            new([.. proof.WeightShifts], indices ?? [.. proof.WitnessIndices], [.. proof.WitnessValues], proof.RemainderRoot,
                [.. (multiplicities ?? proof.Multiplicities)], [.. proof.Sumchecks], [.. (values ?? proof.Values)], [.. proof.RemainderOpenings],
                [.. (training ?? proof.TrainingOpenings)], [.. (models ?? proof.ModelOpenings)]);

        Goldilocks[] recounted = [.. proof.Multiplicities];
        recounted[7] += Goldilocks.One;
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, With(multiplicities: recounted), VerifierPolicy.Default), RejectionReason.Lookup);
        for (int i = 0; i < proof.Values.Count; i += 5)
        {
            GoldilocksExt2[] values = [.. proof.Values];
            values[i] += GoldilocksExt2.One;
            Assert.False(ModelLinkArgument.Verify(run.Transcript, committed.Commitment, With(values: values)), $"value {i}");
        }

        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, With(training: [proof.TrainingOpenings[1], proof.TrainingOpenings[0]]), VerifierPolicy.Default), RejectionReason.Opening, "opening of final snapshot");
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, With(training: [proof.TrainingOpenings[0]]), VerifierPolicy.Default), RejectionReason.Format, "opening of final snapshot");
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, With(models: proof.TrainingOpenings), VerifierPolicy.Default), RejectionReason.Format, "opening of model weights");
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, committed.Commitment, With(indices: [proof.WitnessIndices[0] + 1, proof.WitnessIndices[1]]), VerifierPolicy.Default), RejectionReason.Lookup);

        // The same roots and architecture without the int8 range proof: the integer reading of the identities is lost, so no link.
        ModelCommitment bare = ModelCommitment.From(model, [.. committed.Commitment.WeightCommitments], committed.Commitment.Parameters);
        Assert.Equal(committed.Commitment.ArchitectureDigest, bare.ArchitectureDigest);
        VerdictAssert.Rejected(ModelLinkArgument.Check(run.Transcript, bare, proof, VerifierPolicy.Default), RejectionReason.WeightRanges, "weight range proof");
    }

    [Fact]
    public void QuantizedAccuracyTracksTheFixedPointModel()
    {
        // Inputs of these blobs lie within ±2.5: 12-bit inputs at 2^−8 hold them. The interval analysis assumes inputs may
        // fill their whole range, so wider inputs cost precision in every layer (16-bit inputs at 2^−6 leave the
        // 16-32-16-4 model's outputs in units of 2 and its accuracy near 57%).
        const int inputBits = 12, inputFractionBits = 8;
        foreach (int[] sizes in new[] { new[] { 16, 32, 4 }, [16, 32, 16, 4] })
        {
            var config = new TrainingConfig(sizes, batchSize: 8, learningRateShift: 3, fractionalBits: 16, weightBits: 24, valueBits: 28, seed: 95);
            (TrainingDataset train, TrainingDataset test) = SyntheticData.Blobs(config, 256, 256, 0.5, 96);
            var trainer = new FixedPointTrainer(config, train, SyntheticData.ScheduleKey(config));
            FixedPointWeights trained = trainer.Train(FixedPointTrainer.InitialWeights(config), 300)[^1].Weights;
            QuantizedModel model = ModelLinkArgument.Quantize(trained, inputBits, inputFractionBits);
            int fixedCorrect = trainer.CountCorrect(trained, test), quantizedCorrect = 0, agree = 0;
            for (int s = 0; s < test.Count; s++)
            {
                int[] input = model.QuantizeInput(test.GetFeatures(s).Select(v => Math.ScaleB(v, -config.FractionalBits)).ToArray());
                int quantized = ArgMax(IntegerEvaluator.Evaluate(model, input));
                quantizedCorrect += quantized == test.GetLabel(s) ? 1 : 0;
                agree += quantized == ArgMax(trainer.Forward(trained, test.GetFeatures(s))) ? 1 : 0;
            }

            output.WriteLine($"{string.Join('-', sizes)}: fixed point {fixedCorrect}/256, quantized {quantizedCorrect}/256, same argmax {agree}/256, "
                + $"shifts [{string.Join(", ", model.Layers.Where(l => l.Kind == LayerKind.Dense).Select(l => l.Shift))}], outputs in units of 2^{-model.OutputFractionBits}");
            Assert.True(fixedCorrect >= 200, $"fixed point {fixedCorrect}");
            Assert.True(quantizedCorrect >= fixedCorrect - 13, $"quantized {quantizedCorrect} vs {fixedCorrect}");
            Assert.True(agree >= 230, $"agreement {agree}");
        }
    }

    private static int ArgMax(int[] values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            best = values[i] > values[best] ? i : best;
        }

        return best;
    }

    /// <summary>A copy of <paramref name="model"/> with one weight or bias of Dense layer <paramref name="layer"/> moved by <paramref name="delta"/>.</summary>
    private static QuantizedModel Perturb(QuantizedModel model, int layer, bool bias, int position, int delta)
    {
        var layers = model.Layers.ToArray();
        QuantizedLayer dense = layers[2 * layer];
        int[] weights = dense.Weights.ToArray(), biases = dense.Bias.ToArray();
        int[] target = bias ? biases : weights;
        target[position] = !bias && target[position] + delta > QuantizedLayer.MaxWeight ? target[position] - delta : target[position] + delta;
        layers[2 * layer] = QuantizedLayer.Dense(dense.InFeatures, dense.OutFeatures, weights, biases, dense.Shift);
        return new QuantizedModel(model.InputShape, model.InputBits, model.InputFractionBits, model.OutputFractionBits, layers);
    }

    /// <summary><c>⌊(v + 2^(s−1))/2^s⌋</c> over BigInteger (independent of <c>FixedPoint</c>'s shifts).</summary>
    private static long RoundHalfUp(long value, int shift)
    {
        BigInteger d = BigInteger.Pow(2, shift);
        BigInteger n = value + (shift == 0 ? BigInteger.Zero : d / 2);
        BigInteger m = ((n % d) + d) % d; // the non-negative remainder, so (n − m)/d is the floor
        return (long)((n - m) / d);
    }

    private static TrainingRun Run() => RunWithData().Run;

    private static (TrainingRun Run, TrainingDataset Data) RunWithData(int salts = 93)
    {
        var config = new TrainingConfig([5, 6, 3], batchSize: 4, learningRateShift: 2, fractionalBits: 12, weightBits: 20, valueBits: 24, seed: 91);
        TrainingDataset data = SyntheticData.Blobs(config, 32, 1, 0.4, 92).Train;
        return (TrainingRun.Record(config, data, 3, Plain, new SeededSaltSource(salts)), data);
    }
}
