using System.Buffers.Binary;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Lookups;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Lookups;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Statistics;
using Xunit.Abstractions;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// The weight range proof of a commitment with hidden weights (<c>TSMC</c> v7, <see cref="WeightMaskLayout"/>): the zero-knowledge logUp
/// GKR over set 0's lookup masks and masked padding zero-checks over set 0's padding masks, so that every claim on the weights is masked:
/// honest proofs of MLP and LeNet-5 weights verify after a byte round trip, a simulator that reads only the statement passes the
/// verifier's checks, and the revealed elements of entire proofs of two weight sets with one statement are indistinguishable, while the
/// range proof of a hiding commitment without weight masks (<c>TSMC</c> v5, claims revealed) and of a plain one tell them apart.
/// </summary>
public sealed class ZeroKnowledgeWeightRangeTests(ITestOutputHelper output)
{
    private static readonly LigeroParameters Budgeted = LigeroParameters.DefaultHidingWithBudget(2);

    /// <summary>A quantized model by name: an MLP of the given widths (<c>mlp-a-b-…</c>) or LeNet-5 with max pooling.</summary>
    private static QuantizedModel Quantized(string name, int seed)
    {
        var random = new Random(seed);
        if (name == "lenet-5")
        {
            Sequential source = TestModels.LeNet5(random, maxPooling: true);
            return Quantizer.Quantize(source, TestModels.Inputs(random, source.InputShape, 4), 8);
        }

        int[] widths = name["mlp-".Length..].Split('-').Select(int.Parse).ToArray();
        return TestModels.Quantized(TestModels.Mlp(random, widths), random, 1).Model;
    }

    [Theory]
    [InlineData("mlp-40-12-6")]
    [InlineData("mlp-784-128-10")]
    [InlineData("lenet-5")]
    public void HonestZeroKnowledgeRangeProofsOfMlpAndLeNet5WeightsVerifyAfterARoundTrip(string name)
    {
        QuantizedModel quantized = Quantized(name, 9600);
        CommittedModel model = CommittedModel.Commit(quantized, Budgeted, new SeededSaltSource(9601));
        Assert.True(model.Commitment.HiddenWeights);
        WeightRangeProof proof = model.Commitment.RangeProof!;
        Assert.True(proof.Multiplicities.IsEmpty);
        Assert.True(model.Commitment.VerifyWeightRanges());

        // The zero-knowledge GKR's degree-5 layers and the masked zero-checks (degree 5: eq·Pad·Ṡ), one per segment with padding.
        CircuitPlan plan = model.Commitment.Plan(1);
        int padded = Enumerable.Range(0, plan.WeightLogSizes.Count).Count(s => WeightMaskLayout.HasPadding(plan, s));
        Assert.True(proof.Sumchecks.Count(s => s.RoundCount > 0 && s.GetRoundPolynomial(0).Length == 6) >= padded);
        Assert.All(proof.Sumchecks, s => Assert.True(s.IsMasked));

        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        Assert.Equal(7, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.True(reread.VerifyWeightRanges());
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(reread));
        Assert.True(-Math.Log2(WeightRangeArgument.SoundnessError(plan, model.Commitment.WeightLayout, Budgeted, model.Commitment.WeightParameters)) >= VerifierPolicy.Default.MinimumSoundnessBits);
    }

    /// <summary>
    /// The honest-verifier simulator of the zero-knowledge range proof, from the statement only (the plan's segment sizes and padding
    /// boxes) with every challenge programmed: the lookup by <see cref="ZeroKnowledgeLogUpGkrTests.SimulateLookup"/> over the range
    /// proof's column specifications (masked int8 columns, offset 128), and each padding zero-check with a uniform masked claim <c>Ṡ(s)</c>
    /// and the public <c>eq(r, s)</c>, <c>P̃ad(s)</c> (<c>Sumcheck/ZeroKnowledgeSumcheckTests.Simulate</c>, degree 5); the verifier's checks
    /// accept. Every claim it produced is uniform, as the real ones are (one masked claim per mask functional); their batching and the one
    /// weight opening are simulated from uniform values as <c>MaskedClaimBatcherTests.SimulatedBatchesOfMaskedClaimsNeedNeitherTheTableNorItsEvaluations</c>
    /// and <c>LigeroHidingTests.Simulate</c> do. The simulator reads no weight: the plan of an untrained model of the architecture is all it gets.
    /// </summary>
    [Theory]
    [InlineData("mlp-40-12-6")]
    [InlineData("lenet-5")]
    public void SimulatedZeroKnowledgeRangeProofsNeedOnlyTheStatementAndPassTheVerifierChecks(string name)
    {
        QuantizedModel quantized = Quantized(name, 9610);
        CircuitPlan plan = CircuitPlan.Create(quantized.InputShape, quantized.Layers.Select(CircuitLayer.From).ToArray(), 1);
        WeightMaskLayout masks = WeightMaskLayout.Create(plan, 2)!;
        var rng = new SeededWordSource(9611);
        LookupColumnSpec[] specs = plan.WeightSegments.OrderBy(p => p.Key)
            .Select(p => new LookupColumnSpec(plan.WeightLogSizes[p.Value.Weights], 1UL, 128, masks.RangeLookupMaskOf(p.Value.Weights) >= 0))
            .ToArray();
        Assert.All(specs, s => Assert.True(s.Masked));
        ZeroKnowledgeLogUpGkrTests.SimulatedLookup lookup = ZeroKnowledgeLogUpGkrTests.SimulateLookup(specs, CircuitPlan.TableBits, rng);
        Assert.Equal(lookup.LeafVariables - 1, lookup.Proofs.Count - 1);

        for (int segment = 0; segment < plan.WeightLogSizes.Count; segment++)
        {
            if (!WeightMaskLayout.HasPadding(plan, segment))
            {
                Assert.Equal(-1, masks.RangePaddingMaskOf(segment));
                continue;
            }

            int v = plan.WeightLogSizes[segment];
            E[] r = rng.NextArray<E>(v), s = rng.NextArray<E>(v);
            E weight = rng.Next<E>();
            E[] evaluations = [EqPolynomial.Evaluate<E>(r, s), E.One - BoxIndicator.Evaluate<E>(s, plan.WeightBoxes[segment]), rng.Next<E>()];
            SumcheckProof<E> zeroCheck = Sumcheck.ZeroKnowledgeSumcheckTests.Simulate(E.Zero, v, 5, weight, s, evaluations, rng);
            Assert.Equal(SumcheckFailure.None, SumcheckVerifier.Check(E.Zero, zeroCheck, weight, s).Failure);

            // The check can fail: the same simulated proof for a non-zero sum.
            Assert.NotEqual(SumcheckFailure.None, SumcheckVerifier.Check(E.One, zeroCheck, weight, s).Failure);
        }
    }

    /// <summary>Two models of one statement (architecture, shifts): the first with every weight and bias zero, the second with random ternary weights.</summary>
    internal static (QuantizedModel Zero, QuantizedModel Ternary) TwoWeightSetsWithOneStatement(int seed)
    {
        var random = new Random(seed);
        QuantizedModel template = TestModels.Quantized(TestModels.Mlp(random, [40, 12, 6]), random, 1).Model;
        QuantizedModel With(Func<int, int> weight) => new(
            template.InputShape, template.InputBits, template.InputFractionBits, template.OutputFractionBits,
            template.Layers.Select(l => l.Kind != LayerKind.Dense ? l
                : QuantizedLayer.Dense(l.InFeatures, l.OutFeatures, l.Weights.ToArray().Select(weight).ToArray(), l.Bias.ToArray().Select(_ => 0).ToArray(), l.Shift)).ToList());
        return (With(_ => 0), With(_ => random.Next(3) - 1));
    }

    /// <summary>Every field element a range proof reveals: the published multiplicities, the loose values, every sumcheck's rounds, claims, mask sum and value, and every opening's rows and opened columns (the weights' and the pool's).</summary>
    private static IEnumerable<E> Revealed(WeightRangeProof proof) =>
        HidingWeightRangeTests.RevealedElements(proof.MultiplicityArray, proof.ValueArray, proof.Sumchecks)
            .Concat(proof.Openings.Concat(proof.MaskOpenings).SelectMany(o => o.ProximityRow.ToArray().Concat(o.EvaluationRow.ToArray()).Concat(o.Columns.ToArray().Select(E.FromBase))));

    /// <summary>The claims a range proof reveals: its loose values and its sumchecks' factor evaluations.</summary>
    private static IEnumerable<E> Claims(WeightRangeProof proof) =>
        proof.ValueArray.Concat(proof.Sumchecks.SelectMany(s => s.FactorEvaluations.ToArray()));

    [Theory]
    [InlineData("hidden weights")]
    [InlineData("hiding without weight masks")]
    [InlineData("plain")]
    public void EveryRevealedElementOfTwoWeightSetsWithOneStatementIsIndistinguishableOnlyWithHiddenWeights(string mode)
    {
        // 32 commitments of each weight set (fresh seeded salts and masks each), a two-sample χ² over the low four bits of (a) every
        // element of the entire range proof and (b) its claims alone. Zero weights have zero claims wherever a claim is the plain
        // extension of a weight segment, which the claims of TSMC v5 show; a plain commitment publishes the histogram.
        const int Commitments = 32;
        (QuantizedModel zero, QuantizedModel ternary) = TwoWeightSetsWithOneStatement(9620);
        LigeroParameters parameters = mode switch
        {
            "hidden weights" => Budgeted,
            "hiding without weight masks" => LigeroParameters.DefaultHiding,
            _ => LigeroParameters.NonHidingForBenchmarks,
        };
        var all = new TwoSampleChiSquare();
        var claims = new TwoSampleChiSquare();
        for (int c = 0; c < Commitments; c++)
        {
            foreach ((QuantizedModel quantized, bool first) in new[] { (zero, true), (ternary, false) })
            {
                CommittedModel model = CommittedModel.Commit(quantized, parameters, new SeededSaltSource(9621 + (2 * c) + (first ? 0 : 1)));
                WeightRangeProof proof = model.Commitment.RangeProof!;
                Assert.True(model.Commitment.VerifyWeightRanges());
                foreach (E value in Revealed(proof))
                {
                    all.AddLowBits(first, value);
                }

                foreach (E value in Claims(proof))
                {
                    claims.AddLowBits(first, value);
                }
            }
        }

        string report = $"all: χ² = {all.Statistic():F1} over {all.Counts}; claims: χ² = {claims.Statistic():F1} over {claims.Counts}";
        output.WriteLine($"{mode}: {report}");
        switch (mode)
        {
            case "hidden weights":
                Assert.False(all.Distinguishes, report);
                Assert.False(claims.Distinguishes, report);
                break;
            case "hiding without weight masks":
                Assert.True(claims.Distinguishes, report);
                break;
            default:
                Assert.True(all.Distinguishes, report);
                break;
        }
    }
}
