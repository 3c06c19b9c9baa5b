using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Statistics;
using Thestage.Proofs.Transcripts;
using Thestage.Proofs.Tests.Quantization;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// <c>TSIP</c> v3: hiding inference proofs whose layer relations are zero-checks with public sums over masked witness segments
/// (<see cref="ZeroKnowledgeLayout"/>), so that no witness claim is revealed; v2 (revealed claims) refused where v3 is required.
/// </summary>
public sealed class ZeroKnowledgeClaimsInferenceTests
{
    private static CommittedModel CommitHiding(QuantizedModel model, int seed, LigeroParameters? parameters = null) =>
        CommittedModel.Commit(model, parameters ?? LigeroParameters.DefaultHiding, new SeededSaltSource(seed));

    internal static (CommittedModel Model, List<int[]> Inputs) HidingMlp(int seed, int batch, params int[] widths) => HidingMlp(null, seed, batch, widths);

    private static (CommittedModel Model, List<int[]> Inputs) HidingMlp(LigeroParameters? parameters, int seed, int batch, params int[] widths)
    {
        var random = new Random(seed);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, widths), random, batch);
        return (CommitHiding(model, seed, parameters), inputs);
    }

    /// <summary>Dense → Square → Dense → ReLU, so that a square of committed limbs and a ReLU with a public output are proven.</summary>
    private static (CommittedModel Model, List<int[]> Inputs) HidingSquareModel(LigeroParameters? parameters, int seed, int batch)
    {
        var random = new Random(seed);
        var source = new Sequential(Shape.Vector(6),
        [
            Dense.FromOutputMajor(6, 5, TestModels.Gaussian(random, 30, 0.4), TestModels.Gaussian(random, 5, 0.1)),
            Activation.Square(),
            Dense.FromOutputMajor(5, 4, TestModels.Gaussian(random, 20, 0.4), TestModels.Gaussian(random, 4, 0.1)),
            Activation.Exact(LayerKind.Relu),
        ]);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(source, random, batch);
        return (CommitHiding(quantized, seed, parameters), inputs);
    }

    /// <summary>Conv2d (stride 2, padding 1) → ReLU → AvgPool2d → Square → Flatten → Dense: a convolution, its gather and an average pooling.</summary>
    private static (CommittedModel Model, List<int[]> Inputs) HidingCnn(LigeroParameters? parameters, int seed, int batch)
    {
        var random = new Random(seed);
        (QuantizedModel quantized, List<int[]> inputs) = TestModels.Quantized(TestModels.Cnn(random, 2, 7, 3, 3, 2, 1, 3), random, batch);
        return (CommitHiding(quantized, seed, parameters), inputs);
    }

    internal static ushort Version(byte[] bytes) => (ushort)(bytes[4] | (bytes[5] << 8));

    internal static byte[] WithVersion(byte[] bytes, ushort version)
    {
        byte[] copy = [.. bytes];
        copy[4] = (byte)version;
        copy[5] = (byte)(version >> 8);
        return copy;
    }

    public static TheoryData<string> Models => new() { "mlp-16-8-4", "mlp-10-6-4-batch-3", "square-relu-batch-3", "mlp-12-8-8-4-batch-2", "cnn-avg-batch-3", "cnn-max-batch-2", "cnn-max-3x3" };

    /// <summary>The MLP test models of <see cref="Models"/>, committed with <paramref name="parameters"/> (<see cref="LigeroParameters.DefaultHiding"/> by default).</summary>
    internal static (CommittedModel Model, List<int[]> Inputs) Model(string name, LigeroParameters? parameters = null) => name switch
    {
        "mlp-16-8-4" => HidingMlp(parameters, 8300, 1, 16, 8, 4),
        "mlp-10-6-4-batch-3" => HidingMlp(parameters, 8301, 3, 10, 6, 4),
        "square-relu-batch-3" => HidingSquareModel(parameters, 8302, 3),
        "cnn-avg-batch-3" => HidingCnn(parameters, 8304, 3),
        "cnn-max-batch-2" => MaxPoolProofTests.Model(8305, 2, 6, 2, reluAfter: true, parameters: parameters ?? LigeroParameters.DefaultHiding),
        "cnn-max-3x3" => MaxPoolProofTests.Model(8306, 1, 7, 3, reluAfter: false, parameters: parameters ?? LigeroParameters.DefaultHiding),
        _ => HidingMlp(parameters, 8303, 2, 12, 8, 8, 4),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void HonestHidingProofsOfEveryLayerKindAreVersion3AndVerify(string name)
    {
        (CommittedModel model, List<int[]> inputs) = Model(name);
        Assert.NotNull(model.Commitment.Plan(inputs.Count).ZeroKnowledge);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8310);
        Assert.True(proof.HidesClaims);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal(3, Version(bytes));
        InferenceProof reread = InferenceProofSerializer.Deserialize(bytes);
        Assert.True(reread.HidesClaims);
        VerdictAssert.Accepted(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, reread, VerifierPolicy.Default));
        Assert.True(InferenceVerifier.SoundnessBits(model.Commitment, inputs.Count) >= VerifierPolicy.Default.MinimumSoundnessBits);

        // The relations send no loose value: every value left in the proof is the lookup's.
        ZeroKnowledgeLayout layout = model.Commitment.Plan(inputs.Count).ZeroKnowledge!;
        int lookupSumchecks = proof.Sumchecks.Count - layout.Checks.Length - 1 - proof.WeightOpenings.Count;
        Assert.All(proof.Sumchecks.Skip(lookupSumchecks).Take(layout.Checks.Length), s => Assert.Equal(layout.Checks.Length == 0 ? 0 : s.FactorEvaluations.Length, s.FactorEvaluations.Length));

        int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
        wrong[^1][0] += 1;
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, wrong, proof));
    }

    [Fact]
    public void TheMnistSizedMlpProvesAndVerifiesWithHiddenClaims()
    {
        (CommittedModel model, List<int[]> inputs) = HidingMlp(8320, 1, 784, 128, 10);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8321);
        Assert.True(proof.HidesClaims);
        VerdictAssert.Accepted(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(InferenceProofSerializer.Serialize(proof)), VerifierPolicy.Default));
        Assert.True(InferenceVerifier.SoundnessBits(model.Commitment, 1) >= 100);
    }

    [Fact]
    public void PlainCommitmentsKeepTheirPlainRelationsAndVersion1()
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(LigeroParameters.NonHidingForBenchmarks, 8330, 2, 10, 6, 4);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        Assert.False(proof.HidesClaims);
        Assert.False(proof.IsMasked);
        Assert.Equal(1, Version(InferenceProofSerializer.Serialize(proof)));
        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }

    [Fact]
    public void ConvolutionalHidingProofsAreVersion3AndRefuseVersion2()
    {
        // Conv2d (stride 2, padding 1) → ReLU → AvgPool2d → Square → Flatten → Dense, batch 3 (padded samples).
        (CommittedModel model, List<int[]> inputs) = HidingCnn(null, 8350, 3);
        ZeroKnowledgeLayout layout = model.Commitment.Plan(3).ZeroKnowledge!;
        Assert.Single(layout.Gathered);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8351);
        Assert.True(proof.HidesClaims);
        byte[] bytes = InferenceProofSerializer.Serialize(proof);
        Assert.Equal(3, Version(bytes));
        VerdictAssert.Accepted(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes), VerifierPolicy.Default));

        int[][] wrong = outputs.Select(o => (int[])o.Clone()).ToArray();
        wrong[1][0] += 1;
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, wrong, proof));

        // The revealed-claims proof of the same commitment (v2) is refused, as is a v3 label on it.
        CircuitPlan plan = model.Commitment.Plan(3);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        InferenceProof revealed = InferenceProver.ProveWithWitness(model, plan, inputs, witness, new SeededSaltSource(8352), revealClaims: true);
        byte[] revealedBytes = InferenceProofSerializer.Serialize(revealed);
        Assert.Equal(2, Version(revealedBytes));
        VerdictAssert.Rejected(InferenceVerifier.CheckBatch(model.Commitment, inputs, outputs, revealed, VerifierPolicy.Default), RejectionReason.Format);
        Assert.False(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(WithVersion(revealedBytes, 3))));
    }

    private static SumcheckProof<E> Changed(SumcheckProof<E> proof, int round, int factor, int maskPart)
    {
        E[][] rounds = Enumerable.Range(0, proof.RoundCount).Select(i => proof.GetRoundPolynomial(i).ToArray()).ToArray();
        E[] factors = proof.FactorEvaluations.ToArray();
        E maskSum = proof.MaskSum, maskValue = proof.MaskValue;
        if (round >= 0)
        {
            rounds[round][0] += E.One;
        }

        if (factor >= 0)
        {
            factors[factor] += E.One;
        }

        if (maskPart == 0)
        {
            maskSum += E.One;
        }
        else if (maskPart == 1)
        {
            maskValue += E.One;
        }

        return new SumcheckProof<E>(rounds, factors, maskSum, maskValue);
    }

    private static LigeroOpeningProof<E> ChangedOpening(LigeroOpeningProof<E> opening)
    {
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[^1] += E.One;
        return new LigeroOpeningProof<E>(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
    }

    private static InferenceProof With(
        InferenceProof proof, IReadOnlyList<SumcheckProof<E>>? sumchecks = null, E[]? values = null, LigeroOpeningProof<E>? advice = null,
        IReadOnlyList<LigeroOpeningProof<E>>? weights = null, IReadOnlyList<LigeroOpeningProof<E>>? masks = null) =>
        new(proof.AdviceRoot, sumchecks ?? proof.Sumchecks, values ?? proof.Values.ToArray(), advice ?? proof.AdviceOpening, weights ?? proof.WeightOpenings,
            proof.MaskChunks, masks ?? proof.MaskOpenings, hidesClaims: true);

    [Theory]
    [InlineData("square-relu-batch-2")]
    [InlineData("cnn-avg-batch-3")]
    [InlineData("cnn-max-batch-2")]
    public void EveryTamperedFieldOfAVersion3ProofIsRejected(string name)
    {
        (CommittedModel model, List<int[]> inputs) = name == "square-relu-batch-2" ? HidingSquareModel(null, 8360, 2) : Model(name);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs, 8361);
        bool Accepted(InferenceProof candidate) => InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, candidate);
        Assert.True(Accepted(With(proof)));
        int tampered = 0;
        for (int i = 0; i < proof.Sumchecks.Count; i++)
        {
            SumcheckProof<E> original = proof.Sumchecks[i];
            var variants = new List<SumcheckProof<E>>();
            for (int round = 0; round < original.RoundCount; round++)
            {
                variants.Add(Changed(original, round, -1, -1));
            }

            for (int factor = 0; factor < original.FactorEvaluations.Length; factor++)
            {
                variants.Add(Changed(original, -1, factor, -1));
            }

            variants.Add(Changed(original, -1, -1, 0));
            variants.Add(Changed(original, -1, -1, 1));
            foreach (SumcheckProof<E> variant in variants)
            {
                SumcheckProof<E>[] sumchecks = [.. proof.Sumchecks];
                sumchecks[i] = variant;
                Assert.False(Accepted(With(proof, sumchecks: sumchecks)), $"sumcheck {i} tampered");
                tampered++;
            }
        }

        for (int i = 0; i < proof.Values.Length; i++)
        {
            E[] values = proof.Values.ToArray();
            values[i] += E.One;
            Assert.False(Accepted(With(proof, values: values)), $"value {i} tampered");
        }

        Assert.False(Accepted(With(proof, advice: ChangedOpening(proof.AdviceOpening))));
        for (int i = 0; i < proof.WeightOpenings.Count; i++)
        {
            LigeroOpeningProof<E>[] weights = [.. proof.WeightOpenings];
            weights[i] = ChangedOpening(weights[i]);
            Assert.False(Accepted(With(proof, weights: weights)));
        }

        for (int i = 0; i < proof.MaskOpenings.Count; i++)
        {
            LigeroOpeningProof<E>[] masks = [.. proof.MaskOpenings];
            masks[i] = ChangedOpening(masks[i]);
            Assert.False(Accepted(With(proof, masks: masks)), $"pool opening {i} tampered");
        }

        // The pool's chunks: the first holds the committed multiplicities and the zero-knowledge lookup's masks; another root or size is refused.
        for (int i = 0; i < proof.MaskChunks.Count; i++)
        {
            SumcheckMaskChunk chunk = proof.MaskChunks[i];
            byte[] root = chunk.Root.ToArray();
            root[0] ^= 1;
            foreach (SumcheckMaskChunk changed in new[] { new SumcheckMaskChunk(Thestage.Proofs.Hashing.Digest256.FromBytes(root), chunk.LogSize), new SumcheckMaskChunk(chunk.Root, chunk.LogSize - 1) })
            {
                SumcheckMaskChunk[] chunks = [.. proof.MaskChunks];
                chunks[i] = changed;
                Assert.False(Accepted(new InferenceProof(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, chunks, proof.MaskOpenings, hidesClaims: true)), $"pool chunk {i} changed");
            }
        }

        Assert.False(Accepted(With(proof, sumchecks: proof.Sumchecks.Take(proof.Sumchecks.Count - 1).ToArray())));
        Assert.False(Accepted(With(proof, sumchecks: [.. proof.Sumchecks, proof.Sumchecks[^1]])));
        Assert.False(Accepted(new InferenceProof(proof.AdviceRoot, proof.Sumchecks, proof.Values, proof.AdviceOpening, proof.WeightOpenings, proof.MaskChunks, proof.MaskOpenings, hidesClaims: false)));
        Assert.True(tampered > 50);
    }

    /// <summary>
    /// Two weight sets with one public statement whose hidden activations differ: layer 1 maps the input <c>(40, 0, …)</c> to the constant
    /// <c>q = 10</c> (weights <c>1</c> in column 0) or <c>q = 20</c> (weights <c>2</c>) on all eight hidden units, layer 2 has zero weights and
    /// bias 7, so both output 7 everywhere; the hidden tensor's limbs and remainders are constant tables, whose plain claims are those
    /// constants at every point.
    /// </summary>
    private static QuantizedModel ConstantHiddenModel(int columnWeight)
    {
        var w1 = new int[8 * 8];
        for (int o = 0; o < 8; o++)
        {
            w1[o * 8] = columnWeight;
        }

        return new QuantizedModel(Shape.Vector(8), 8, 0, 0,
        [
            QuantizedLayer.Dense(8, 8, w1, new int[8], 2),
            QuantizedLayer.ReLU(),
            QuantizedLayer.Dense(8, 8, new int[64], Enumerable.Repeat(7, 8).ToArray(), 0),
        ]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheWitnessPartOfTwoWeightSetsWithOneStatementIsIndistinguishableOnlyInVersion3(bool version3)
    {
        // Revealed and compared: every element of the relations' sumchecks except the weight and bias claims (rounds, G, g(r), the witness
        // claims and eq), the witness batching sumcheck, the witness opening and the pool's openings, and in v3 the lookup's messages (its
        // sumchecks and every loose value, all the lookup's). Left out, and still revealed (see docs/proofs.md): the weight claims and
        // openings, and v2's loose values (limbs at the relation points, biases).
        const int Proofs = 60;
        int[] input = [40, 0, 0, 0, 0, 0, 0, 0];
        CommittedModel first = CommitHiding(ConstantHiddenModel(1), 8370), second = CommitHiding(ConstantHiddenModel(2), 8371);
        CircuitPlan plan = first.Commitment.Plan(1);
        ZeroKnowledgeLayout layout = plan.ZeroKnowledge!;
        var all = new TwoSampleChiSquare();
        var claims = new TwoSampleChiSquare();
        int lookupSumchecks = LookupSumchecks(first, input);
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((CommittedModel model, bool isFirst) in new[] { (first, true), (second, false) })
            {
                InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [input]);
                Assert.Equal([7, 7, 7, 7, 7, 7, 7, 7], witness.Outputs[0]);
                var salts = new SeededSaltSource(40_000 + (2 * p) + (isFirst ? 0 : 1));
                InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, [input], witness, salts, revealClaims: !version3);
                Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, [input], witness.Outputs, proof) == version3);
                int relationSumchecks = version3 ? layout.Checks.Length : proof.Sumchecks.Count - 1 - proof.WeightOpenings.Count - lookupSumchecks;
                int start = proof.Sumchecks.Count - 1 - proof.WeightOpenings.Count - relationSumchecks;
                for (int i = start; i < start + relationSumchecks + 1; i++)
                {
                    SumcheckProof<E> sumcheck = proof.Sumchecks[i];
                    bool relation = i < start + relationSumchecks;
                    ZeroCheck? check = version3 && relation ? layout.Checks[i - start] : null;
                    foreach (E value in Enumerable.Range(0, sumcheck.RoundCount).SelectMany(r => sumcheck.GetRoundPolynomial(r).ToArray()).Concat([sumcheck.MaskSum, sumcheck.MaskValue]))
                    {
                        all.AddLowBits(isFirst, value);
                    }

                    for (int k = 0; k < sumcheck.FactorEvaluations.Length; k++)
                    {
                        // v3: the witness factors; v2: every relation factor but the matrix-multiplication's weight factor (index 0 of its two).
                        bool weight = check is not null ? check.Factors[k].Source == ZeroCheckSource.Weight : relation && sumcheck.FactorEvaluations.Length == 2 && k == 0;
                        if (!weight)
                        {
                            all.AddLowBits(isFirst, sumcheck.FactorEvaluations[k]);
                            if (relation && (check is null || check.Factors[k].Source == ZeroCheckSource.Witness))
                            {
                                claims.AddLowBits(isFirst, sumcheck.FactorEvaluations[k]);
                            }
                        }
                    }
                }

                foreach (LigeroOpeningProof<E> opening in proof.MaskOpenings.Append(proof.AdviceOpening))
                {
                    foreach (E value in opening.ProximityRow.ToArray().Concat(opening.EvaluationRow.ToArray()))
                    {
                        all.AddLowBits(isFirst, value);
                    }
                }

                if (version3)
                {
                    AddLookupMessages(all, isFirst, proof, start);
                }
            }
        }

        Assert.True(version3 != claims.Distinguishes, $"χ² = {claims.Statistic():F1} over {claims.Counts} witness claims");
        Assert.False(version3 && all.Distinguishes, $"χ² = {all.Statistic():F1} over {all.Counts} values");
    }

    /// <summary>Adds every element of the lookup's sumchecks (the first <paramref name="lookupSumchecks"/>) and every loose value (in v3, all the lookup's).</summary>
    private static void AddLookupMessages(TwoSampleChiSquare sample, bool isFirst, InferenceProof proof, int lookupSumchecks)
    {
        foreach (SumcheckProof<E> sumcheck in proof.Sumchecks.Take(lookupSumchecks))
        {
            IEnumerable<E> rounds = Enumerable.Range(0, sumcheck.RoundCount).SelectMany(r => sumcheck.GetRoundPolynomial(r).ToArray());
            foreach (E value in rounds.Concat(sumcheck.FactorEvaluations.ToArray()).Concat([sumcheck.MaskSum, sumcheck.MaskValue]))
            {
                sample.AddLowBits(isFirst, value);
            }
        }

        foreach (E value in proof.Values.ToArray())
        {
            sample.AddLowBits(isFirst, value);
        }
    }

    /// <summary>
    /// The lookup of the statement above: the hidden tensor's limbs are the constant tables <c>10</c> or <c>20</c> (low limb), so the
    /// revealing logUp's leaf claims on them are those constants at every point; <c>TSIP</c> v3's zero-knowledge logUp reads every column
    /// through its masked extension. 60 proofs each, v3 relations in both: the column claims tell the two apart only with the revealing lookup
    /// (<c>revealLookup</c>, the downgrade the verifier refuses), and every element of the zero-knowledge lookup's messages does not.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheLookupMessagesOfTwoWeightSetsWithOneStatementAreIndistinguishableOnlyWithTheZeroKnowledgeLookup(bool zeroKnowledgeLookup)
    {
        const int Proofs = 60;
        int[] input = [40, 0, 0, 0, 0, 0, 0, 0];
        CommittedModel first = CommitHiding(ConstantHiddenModel(1), 8372), second = CommitHiding(ConstantHiddenModel(2), 8373);
        CircuitPlan plan = first.Commitment.Plan(1);
        int columns = plan.LookupColumns.Count;
        var all = new TwoSampleChiSquare();
        var columnClaims = new TwoSampleChiSquare();
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((CommittedModel model, bool isFirst) in new[] { (first, true), (second, false) })
            {
                InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [input]);
                var salts = new SeededSaltSource(50_000 + (2 * p) + (isFirst ? 0 : 1));
                InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, [input], witness, salts, revealLookup: !zeroKnowledgeLookup);
                Assert.True(proof.HidesClaims);
                Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, [input], witness.Outputs, proof) == zeroKnowledgeLookup);
                int lookupSumchecks = proof.Sumchecks.Count - plan.ZeroKnowledge!.Checks.Length - 1 - proof.WeightOpenings.Count;
                AddLookupMessages(all, isFirst, proof, lookupSumchecks);

                // The column claims: the loose values before the multiplicities' (the last).
                foreach (E value in proof.Values.ToArray()[^(columns + 1)..^1])
                {
                    columnClaims.AddLowBits(isFirst, value);
                }
            }
        }

        Assert.True(zeroKnowledgeLookup != columnClaims.Distinguishes, $"χ² = {columnClaims.Statistic():F1} over {columnClaims.Counts} column claims");
        Assert.False(zeroKnowledgeLookup && all.Distinguishes, $"χ² = {all.Statistic():F1} over {all.Counts} values");
    }

    private static int LookupSumchecks(CommittedModel model, int[] input)
    {
        CircuitPlan plan = model.Commitment.Plan(1);
        InferenceProof reference = InferenceProver.ProveWithWitness(model, plan, [input], InferenceWitness.Build(plan, model.Model, [input]), new SeededSaltSource(1));
        return reference.Sumchecks.Count - plan.ZeroKnowledge!.Checks.Length - 1 - reference.WeightOpenings.Count;
    }

    [Theory]
    [InlineData("mlp-10-6-4-batch-3")]
    [InlineData("square-relu-batch-3")]
    [InlineData("cnn-avg-batch-3")]
    [InlineData("cnn-max-batch-2")]
    [InlineData("cnn-max-3x3")]
    public void SimulatedZeroChecksOfEveryLayerNeedNoWitness(string name)
    {
        // The simulator of the relations of a v3 proof: given the statement (architecture, public input and output, so the public
        // factors), programmed challenges (z, ρ and r per zero-check) and the weight claims (still revealed, an input of the simulator
        // until the weights are masked), it draws every witness claim uniformly (a copy equal to its first slot) and simulates each
        // zero-check's rounds without any table; the verifier's checks accept, and the same messages under another public sum do not.
        (CommittedModel model, List<int[]> inputs) = Model(name);
        CircuitPlan plan = model.Commitment.Plan(inputs.Count);
        InferenceWitness witness = InferenceWitness.Build(plan, model.Model, inputs);
        Goldilocks[][] publicTensors = new Goldilocks[plan.Layers.Length + 1][];
        publicTensors[0] = witness.FieldTensors[0];
        publicTensors[plan.Source[plan.Layers.Length]] = witness.FieldTensors[plan.Source[plan.Layers.Length]];
        var rng = new SeededWordSource(8380);
        foreach (ZeroCheck check in plan.ZeroKnowledge!.Checks)
        {
            E[]? powers = check.Window > 0 ? Powers(rng.Next<E>(), 2 * check.Window) : null;
            E[] z = rng.NextArray<E>(check.PointVariables);
            E weight = rng.Next<E>();
            E[] point = rng.NextArray<E>(check.NumVariables);
            E sum = check.ConstantSum + (check.SumTensor >= 0 ? MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(publicTensors[check.SumTensor], E.FromBase), z) : E.Zero);
            var evaluations = new E[check.Factors.Length];
            for (int k = 0; k < evaluations.Length; k++)
            {
                ZeroCheckFactor factor = check.Factors[k];
                E[] own = factor.OwnPoint(point);
                evaluations[k] = factor.Source switch
                {
                    ZeroCheckSource.Eq => EqPolynomial.Evaluate<E>(z, own),
                    ZeroCheckSource.Public => MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(publicTensors[factor.Index], E.FromBase), own),
                    ZeroCheckSource.PublicSquare => MultilinearPolynomial<E>.Evaluate(Array.ConvertAll(publicTensors[factor.Index], x => E.FromBase(x * x)), own),
                    ZeroCheckSource.ValidBatch or ZeroCheckSource.ValidSpatialBatch or ZeroCheckSource.Selector =>
                        MultilinearPolynomial<E>.Evaluate(ZeroKnowledgeLayout.StructureTable(plan, factor, z, powers), own),
                    ZeroCheckSource.Witness when factor.Copy > 0 => evaluations[Array.FindIndex(check.Factors, f => f.Source == ZeroCheckSource.Witness && f.Index == factor.Index && f.Copy == 0)],
                    _ => rng.Next<E>(), // a witness claim (uniform), or the revealed weight claim
                };
            }

            SumcheckTerm<E>[] terms = check.TermsAt(powers);
            SumcheckProof<E> proof = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(sum, check.NumVariables, check.Degree, weight, point, evaluations, SumcheckTerm<E>.Evaluate(terms, evaluations), rng);
            Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(sum, proof, weight, point, terms).Failure);
            Assert.Equal(SumcheckFailure.RoundSumMismatch, SumcheckVerifier.Check(sum + E.One, proof, weight, point, terms).Failure);
        }
    }

    /// <summary>
    /// Two weight sets with one statement and one witness: layer 1 maps <c>(40, 0, …)</c> to <c>q = 20</c> on every hidden unit either by
    /// weight 2 in column 0 and bias 0, or by weight 1 and bias 40; layer 2 maps it to 7 by zero weights and bias 7, or by weight 1 in
    /// column 0 and bias −13. Only the weights differ, so what tells them apart is the weights' part of the proof: revealed, the bias
    /// claims <c>b̃(r_o)</c> are 0 or 40 and 7 or −13 at every point, and the second layer's weight claim 0 or not.
    /// </summary>
    private static QuantizedModel BiasOrWeightModel(bool viaBias)
    {
        var w1 = new int[8 * 8];
        var w2 = new int[8 * 8];
        for (int o = 0; o < 8; o++)
        {
            w1[o * 8] = viaBias ? 1 : 2;
            w2[o * 8] = viaBias ? 1 : 0;
        }

        return new QuantizedModel(Shape.Vector(8), 8, 0, 0,
        [
            QuantizedLayer.Dense(8, 8, w1, Enumerable.Repeat(viaBias ? 40 : 0, 8).ToArray(), 2),
            QuantizedLayer.ReLU(),
            QuantizedLayer.Dense(8, 8, w2, Enumerable.Repeat(viaBias ? -13 : 7, 8).ToArray(), 0),
        ]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheWeightPartOfTwoWeightSetsWithOneStatementIsIndistinguishableOnlyWithHiddenWeights(bool hiddenWeights)
    {
        // Compared: the weight and bias claims of the zero-checks, the weight batching sumchecks (rounds, G, g(r), P̃_w(s) and W̃(s)) and
        // the weight openings' rows. Hidden weights: a budget of Proofs + 1 (TSMC v7), each proof reading its own mask set. Before (a
        // hiding commitment without weight masks, as every v3 proof was until TSMC v7): the bias claim is 0 or 40 and tells them apart.
        const int Proofs = 30;
        int[] input = [40, 0, 0, 0, 0, 0, 0, 0];
        LigeroParameters parameters = hiddenWeights ? LigeroParameters.DefaultHidingWithBudget(Proofs + 1) : LigeroParameters.DefaultHiding;
        CommittedModel first = CommitHiding(BiasOrWeightModel(false), 8390, parameters), second = CommitHiding(BiasOrWeightModel(true), 8391, parameters);
        Assert.Equal(hiddenWeights, first.Commitment.HiddenWeights);
        CircuitPlan plan = first.Commitment.Plan(1);
        ZeroKnowledgeLayout layout = plan.ZeroKnowledge!;
        var claims = new TwoSampleChiSquare();
        var all = new TwoSampleChiSquare();
        for (int p = 0; p < Proofs; p++)
        {
            foreach ((CommittedModel model, bool isFirst) in new[] { (first, true), (second, false) })
            {
                InferenceWitness witness = InferenceWitness.Build(plan, model.Model, [input]);
                Assert.Equal([7, 7, 7, 7, 7, 7, 7, 7], witness.Outputs[0]);
                InferenceProof proof = InferenceProver.ProveWithWitness(model, plan, [input], witness, new SeededSaltSource(41_000 + (2 * p) + (isFirst ? 0 : 1)));
                Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, [input], witness.Outputs, proof));
                int start = proof.Sumchecks.Count - layout.Checks.Length - 1 - proof.WeightOpenings.Count;
                for (int c = 0; c < layout.Checks.Length; c++)
                {
                    for (int k = 0; k < layout.Checks[c].Factors.Length; k++)
                    {
                        if (layout.Checks[c].Factors[k].Source == ZeroCheckSource.Weight)
                        {
                            claims.AddLowBits(isFirst, proof.Sumchecks[start + c].FactorEvaluations[k]);
                            all.AddLowBits(isFirst, proof.Sumchecks[start + c].FactorEvaluations[k]);
                        }
                    }
                }

                foreach (SumcheckProof<E> batching in proof.Sumchecks.Skip(proof.Sumchecks.Count - proof.WeightOpenings.Count))
                {
                    IEnumerable<E> rounds = Enumerable.Range(0, batching.RoundCount).SelectMany(r => batching.GetRoundPolynomial(r).ToArray());
                    foreach (E value in rounds.Concat(batching.FactorEvaluations.ToArray()).Concat([batching.MaskSum, batching.MaskValue]))
                    {
                        all.AddLowBits(isFirst, value);
                    }
                }

                foreach (LigeroOpeningProof<E> opening in proof.WeightOpenings)
                {
                    foreach (E value in opening.ProximityRow.ToArray().Concat(opening.EvaluationRow.ToArray()))
                    {
                        all.AddLowBits(isFirst, value);
                    }
                }
            }
        }

        Assert.True(hiddenWeights != claims.Distinguishes, $"χ² = {claims.Statistic():F1} over {claims.Counts} weight claims");
        Assert.False(hiddenWeights && all.Distinguishes, $"χ² = {all.Statistic():F1} over {all.Counts} values");
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
