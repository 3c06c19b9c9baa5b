using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Statistics;
using Xunit.Abstractions;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Private-input proofs on the zero-knowledge relations (<c>TSIP</c> 0x8003 over a <c>TSIC</c> v2 input commitment): honest proofs of every
/// layer kind, batch 1 and more, accepted and read back; the simulator of their relations; and the χ² test over every revealed element of
/// whole proofs for two inputs with one output, which tells the inputs apart only when the claims on the input are revealed (0x8002).
/// </summary>
public sealed class PrivateInputZeroKnowledgeTests(ITestOutputHelper output)
{
    public static TheoryData<string> Models => ["mlp-10-6-4-batch-3", "square-relu-batch-3", "cnn-avg-batch-3", "cnn-max-batch-2", "cnn-max-3x3", "mlp-batch-2"];

    /// <summary>Commits a batch under a budget with seeded randomness.</summary>
    internal static CommittedInput Commit(CommittedModel model, IReadOnlyList<int[]> inputs, int budget, int seed) =>
        CommittedInput.CommitBatch(model.Commitment, inputs, LigeroParameters.DefaultHidingWithBudget(budget), new SeededSaltSource(seed));

    [Theory]
    [MemberData(nameof(Models))]
    public void HonestPrivateInputProofsOfEveryLayerKindAndBatchHideTheirClaimsAndVerify(string name)
    {
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model(name);
        CommittedInput input = Commit(model, inputs, 2, 8700);
        Assert.Equal((inputs.Count, 2), (input.Commitment.Batch, input.Commitment.Version));
        Assert.NotNull(model.Commitment.Plan(inputs.Count).PrivateInputZeroKnowledge);
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProvePrivateInputBatch(model, input, new SeededSaltSource(8701));
        Assert.Equal(inputs.Select(x => IntegerEvaluator.Evaluate(model.Model, x)), outputs);
        Assert.True(proof.HidesClaims && proof.HasPrivateInput);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal(0x8003, BitConverter.ToUInt16(bytes, 4));
        InferenceProof read = InferenceProofSerializer.Deserialize(bytes);
        Assert.Equal(bytes, InferenceProofSerializer.Serialize(read));
        byte[] published = InputCommitmentSerializer.Serialize(input.Commitment);
        Assert.Equal(71, published.Length);
        InputCommitment commitment = InputCommitmentSerializer.Deserialize(published);
        VerdictAssert.Accepted(InferenceVerifier.CheckPrivateInputBatch(model.Commitment, commitment, outputs, read, VerifierPolicy.Default));
        Assert.True(InferenceVerifier.PrivateInputSoundnessBits(model.Commitment, commitment) >= VerifierPolicy.DefaultMinimumSoundnessBits);

        // The relations send no loose value (every value is the lookup's), and no sumcheck reveals an input claim: the one zero-check that
        // reads the input reads it masked.
        ZeroKnowledgeLayout layout = model.Commitment.Plan(inputs.Count).PrivateInputZeroKnowledge!;
        Assert.Single(layout.Checks, c => c.Factors.Any(f => f.Source == ZeroCheckSource.Input));
        Assert.DoesNotContain(layout.Checks.SelectMany(c => c.Factors), f => f.Source is ZeroCheckSource.Public or ZeroCheckSource.PublicSquare && f.Index == 0);

        // Another output, outputs in another order, one output too few: refused.
        int[][] changed = [.. outputs.Select(o => (int[])o.Clone())];
        changed[^1][0] ^= 1;
        Assert.False(InferenceVerifier.VerifyPrivateInputBatch(model.Commitment, commitment, changed, read, VerifierPolicy.Default));
        if (outputs.Length > 1 && !outputs[0].SequenceEqual(outputs[1]))
        {
            Assert.False(InferenceVerifier.VerifyPrivateInputBatch(model.Commitment, commitment, [outputs[1], outputs[0], .. outputs[2..]], read, VerifierPolicy.Default));
        }

        Assert.Equal(RejectionReason.Statement, InferenceVerifier.CheckPrivateInputBatch(model.Commitment, commitment, outputs[1..], read, VerifierPolicy.Default).Reason);
        if (inputs.Count > 1)
        {
            // A batch commitment is proven and checked as a batch: the single-sample entry points refuse it.
            Assert.Throws<ArgumentException>(() => InferenceProver.ProvePrivateInput(model, input));
            Assert.Equal(RejectionReason.Statement, InferenceVerifier.CheckPrivateInput(model.Commitment, commitment, outputs[0], read, VerifierPolicy.Default).Reason);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void HonestPrivateInputProofsOfLeNet5AreVersion3AndVerify(int batch)
    {
        var random = new Random(8710 + batch);
        Sequential source = TestModels.LeNet5(random, maxPooling: true);
        List<double[]> calibration = TestModels.Inputs(random, source.InputShape, 4);
        QuantizedModel quantized = Quantizer.Quantize(source, calibration, 8);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHidingWithBudget(3), new SeededSaltSource(8712));
        List<int[]> inputs = [.. calibration.Take(batch).Select(c => quantized.QuantizeInput(c))];
        CommittedInput input = Commit(model, inputs, 2, 8713);
        (int[][] outputs, InferenceProof proof) = InferenceProver.ProvePrivateInputBatch(model, input, new SeededSaltSource(8714));
        Assert.True(proof.HidesClaims);
        Assert.Equal(0, proof.InputOpening!.MaskIndex);
        InferenceProof read = InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof));
        VerdictAssert.Accepted(InferenceVerifier.CheckPrivateInputBatch(model.Commitment, input.Commitment, outputs, read, VerifierPolicy.Default));
        output.WriteLine($"LeNet-5 batch {batch}: {InferenceProofSerializer.Serialize(proof).Length} bytes, {InferenceVerifier.PrivateInputSoundnessBits(model.Commitment, input.Commitment):F1} bits");
    }

    [Fact]
    public void VersionOneInputCommitmentsAreReadButRefusedWhereTheClaimsCanBeHidden()
    {
        (CommittedModel model, List<int[]> inputs) = PrivateInputInferenceTests.Mlp(8720);
        CommittedInput v1 = CommittedInput.CommitUnchecked(
            model.Commitment, [inputs[0]], LigeroParameters.DefaultHidingWithBudget(2), new SeededSaltSource(8721), null, new SeededSaltSource(8722), masked: false);
        byte[] bytes = InputCommitmentSerializer.Serialize(v1.Commitment);
        Assert.Equal((67, 1), (bytes.Length, (int)BitConverter.ToUInt16(bytes, 4)));
        InputCommitment read = InputCommitmentSerializer.Deserialize(bytes);
        Assert.Equal((1, 1), (read.Version, read.Batch));
        Assert.Equal(bytes, InputCommitmentSerializer.Serialize(read));

        // Its proof can only be 0x8002 (no masks for the input's claims), which reveals them; the verifier refuses the commitment.
        (int[] y, InferenceProof proof) = InferenceProver.ProvePrivateInput(model, v1, new SeededSaltSource(8723));
        Assert.False(proof.HidesClaims);
        Assert.Equal(RejectionReason.Statement, InferenceVerifier.CheckPrivateInput(model.Commitment, read, y, proof, VerifierPolicy.Default).Reason);
    }

    /// <summary>
    /// An MLP 16-6-3 whose first layer's rows sum to zero, so every constant input gives the same hidden tensor and output; the two inputs
    /// are the constants 3 and −5, whose multilinear extensions are those constants at every point: a revealed claim on the input (its
    /// relation's, its lookup's) is 3 or −5, told apart by its top bits.
    /// </summary>
    private static (CommittedModel Model, int[] First, int[] Second) ConstantInputsWithOneOutput(int seed)
    {
        var random = new Random(seed);
        var w1 = new int[6 * 16];
        for (int o = 0; o < 6; o++)
        {
            for (int k = 0; k < 16; k += 2)
            {
                int w = random.Next(-20, 21);
                w1[(o * 16) + k] = w;
                w1[(o * 16) + k + 1] = -w;
            }
        }

        int[] w2 = [.. Enumerable.Range(0, 18).Select(_ => random.Next(-30, 31))];
        var model = new QuantizedModel(Shape.Vector(16), 8, 0, 0,
        [
            QuantizedLayer.Dense(16, 6, w1, [.. Enumerable.Range(0, 6).Select(o => (o * 37) - 90)], 1),
            QuantizedLayer.ReLU(),
            QuantizedLayer.Dense(6, 3, w2, [5, -7, 11], 2),
        ]);
        int[] first = [.. Enumerable.Repeat(3, 16)], second = [.. Enumerable.Repeat(-5, 16)];
        Assert.Equal(IntegerEvaluator.Evaluate(model, first), IntegerEvaluator.Evaluate(model, second));
        return (CommittedModel.Commit(model, LigeroParameters.DefaultHiding, new SeededSaltSource(seed)), first, second);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryRevealedElementOfWholeProofsForTwoInputsWithOneOutputIsIndistinguishableOnlyWithHiddenInputClaims(bool hiddenClaims)
    {
        // Revealed and compared (all): every field element of the whole proof — every sumcheck's rounds, factor evaluations, mask sum and
        // value, every loose value, and every opening's rows and opened columns (witness, weights, input, masking pool). Each proof commits
        // its input afresh (budget 1). The claim on the input (input): the first layer's input factor, the constant 3 or −5 when revealed
        // (0x8002, the downgrade the verifier refuses), its low coefficient bucketed; 0x8003 reads the input masked.
        const int Proofs = 50;
        (CommittedModel model, int[] first, int[] second) = ConstantInputsWithOneOutput(8730);
        CircuitPlan plan = model.Commitment.Plan(1);
        ZeroKnowledgeLayout layout = plan.PrivateInputZeroKnowledge!;
        int inputFactor = hiddenClaims ? Array.FindIndex(layout.Checks[^1].Factors, f => f.Source == ZeroCheckSource.Input) : 1; // v2: the matmul's (W, X)
        var all = new TwoSampleChiSquare();
        var input = new TwoSampleChiSquare();
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((int[] x, bool isFirst) in new[] { (first, true), (second, false) })
            {
                int seed = 8800 + (4 * p) + (isFirst ? 0 : 2);
                CommittedInput committed = CommittedInput.CommitBatch(model.Commitment, [x], LigeroParameters.DefaultHidingWithBudget(1), new SeededSaltSource(seed));
                InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [x]);
                InferenceProof proof = InferenceProver.ProvePrivateInputWithWitness(model, committed, plan, witness, new SeededSaltSource(seed + 1), revealClaims: !hiddenClaims);
                if (p == 0)
                {
                    Assert.Equal(hiddenClaims, InferenceVerifier.VerifyPrivateInput(model.Commitment, committed.Commitment, witness.Outputs[0], proof));
                }

                AddRevealed(all, isFirst, proof);

                // The first layer's relation is the last before the batchings of the witness, the weights and the input (no padding here).
                E claim = proof.Sumchecks[^(proof.WeightOpenings.Count + 3)].FactorEvaluations[inputFactor];
                if (isFirst)
                {
                    input.AddFirst(claim.GetCoefficient(0));
                }
                else
                {
                    input.AddSecond(claim.GetCoefficient(0));
                }
            }
        }

        output.WriteLine($"all: χ² = {all.Statistic():F1} over {all.Counts} values; input claims: χ² = {input.Statistic():F1} over {input.Counts}");
        Assert.True(hiddenClaims != input.Distinguishes, $"χ² = {input.Statistic():F1} over {input.Counts} input claims");
        Assert.False(hiddenClaims && all.Distinguishes, $"χ² = {all.Statistic():F1} over {all.Counts} values");
    }

    /// <summary>Every field element a proof reveals.</summary>
    internal static void AddRevealed(TwoSampleChiSquare test, bool first, InferenceProof proof)
    {
        foreach (SumcheckProof<E> sumcheck in proof.Sumchecks)
        {
            IEnumerable<E> rounds = Enumerable.Range(0, sumcheck.RoundCount).SelectMany(r => sumcheck.GetRoundPolynomial(r).ToArray());
            foreach (E value in rounds.Concat(sumcheck.FactorEvaluations.ToArray()).Concat(sumcheck.IsMasked ? [sumcheck.MaskSum, sumcheck.MaskValue] : []))
            {
                test.Add(first, value);
            }
        }

        foreach (E value in proof.Values)
        {
            test.Add(first, value);
        }

        foreach (LigeroOpeningProof<E> opening in proof.WeightOpenings.Concat(proof.MaskOpenings).Append(proof.AdviceOpening).Append(proof.InputOpening!))
        {
            foreach (E value in opening.ProximityRow.ToArray().Concat(opening.EvaluationRow.ToArray()))
            {
                test.Add(first, value);
            }

            foreach (Goldilocks value in opening.Columns)
            {
                if (first)
                {
                    test.AddFirst(value);
                }
                else
                {
                    test.AddSecond(value);
                }
            }
        }
    }

    [Theory]
    [InlineData("mlp-batch-2")]
    [InlineData("cnn-avg-batch-3")]
    [InlineData("cnn-max-batch-2")]
    public void SimulatedZeroChecksOfAPrivateInputProofNeedNeitherTheInputNorTheWitness(string name)
    {
        // The simulator of a 0x8003 proof's relations and its input's padding zero-check: given the statement (architecture, outputs; no
        // input), programmed challenges (z, ρ, r per zero-check) and the weight claims, it draws every witness and input claim uniformly
        // and simulates each zero-check's rounds without a table; the verifier's checks accept, and the same messages under another sum do not.
        (CommittedModel model, List<int[]> inputs) = ZeroKnowledgeClaimsInferenceTests.Model(name);
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        int[][] outputs = [.. inputs.Select(x => IntegerEvaluator.Evaluate(model.Model, x))];
        int last = plan.Source[plan.Layers.Length];
        var outputTensor = new Goldilocks[plan.Layouts[last].Size];
        for (int b = 0; b < outputs.Length; b++)
        {
            InferenceWitness.Scatter(plan.Layouts[last], plan.LogBatch, b, Array.ConvertAll(outputs[b], v => CircuitPlan.Field(v)), outputTensor);
        }

        var rng = new SeededWordSource(8740);
        int inputClaims = 0;
        foreach (ZeroCheck check in plan.PrivateInputZeroKnowledge!.Checks)
        {
            E[]? powers = check.Window > 0 ? Powers(rng.Next<E>(), 2 * check.Window) : null;
            E[] z = rng.NextArray<E>(check.PointVariables);
            E weight = rng.Next<E>();
            E[] point = rng.NextArray<E>(check.NumVariables);
            E sum = check.ConstantSum + (check.SumTensor >= 0 ? MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(outputTensor, E.FromBase), z) : E.Zero);
            var evaluations = new E[check.Factors.Length];
            for (int k = 0; k < evaluations.Length; k++)
            {
                ZeroCheckFactor factor = check.Factors[k];
                Assert.False(factor.Source is ZeroCheckSource.Public or ZeroCheckSource.PublicSquare && factor.Index == 0, "the simulator has no input");
                E[] own = factor.OwnPoint(point);
                inputClaims += factor.Source == ZeroCheckSource.Input && factor.Copy == 0 ? 1 : 0;
                evaluations[k] = factor.Source switch
                {
                    ZeroCheckSource.Eq => EqPolynomial.Evaluate<E>(z, own),
                    ZeroCheckSource.Public => MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(outputTensor, E.FromBase), own),
                    ZeroCheckSource.ValidBatch or ZeroCheckSource.ValidSpatialBatch or ZeroCheckSource.Selector =>
                        MultilinearPolynomial<E>.Evaluate(ZeroKnowledgeLayout.StructureTable(plan, factor, z, powers), own),
                    ZeroCheckSource.Witness or ZeroCheckSource.Input when factor.Copy > 0 =>
                        evaluations[Array.FindIndex(check.Factors, f => f.Source == factor.Source && f.Index == factor.Index && f.Copy == 0)],
                    _ => rng.Next<E>(), // a witness or input claim (uniform), or the revealed weight claim
                };
            }

            SumcheckTerm<E>[] terms = check.TermsAt(powers);
            SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(sum, check.NumVariables, check.Degree, weight, point, evaluations, SumcheckTerm<E>.Evaluate(terms, evaluations), rng);
            Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, proof, weight, point, terms).Failure);
            Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(sum + E.One, proof, weight, point, terms).Failure);
        }

        Assert.Equal(1, inputClaims);

        // The input's padding zero-check (a batch of 3 is padded to 4 samples; the MLP's 10 features to 16): eq and Pad public, X masked.
        InputLayout layout = InputLayout.Create(model.Commitment.InputShape, model.Commitment.InputBits, 1, inputs.Count);
        if (layout.HasPadding)
        {
            int v = layout.Tensor.LogSize;
            E[] r = rng.NextArray<E>(v), s = rng.NextArray<E>(v);
            E[] evaluations = [EqPolynomial.Evaluate<E>(r, s), E.One - BoxIndicator.Evaluate<E>(s, layout.Box), rng.Next<E>()];
            E weight = rng.Next<E>();
            SumcheckTerm<E>[] terms = [SumcheckTerm<E>.Product(3)];
            SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(E.Zero, v, 5, weight, s, evaluations, SumcheckTerm<E>.Evaluate(terms, evaluations), rng);
            Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(E.Zero, proof, weight, s, terms).Failure);
        }
    }

    private static E[] Powers(E rho, int count)
    {
        var powers = new E[count];
        powers[0] = E.One;
        for (int j = 1; j < count; j++)
        {
            powers[j] = powers[j - 1] * rho;
        }

        return powers;
    }
}
