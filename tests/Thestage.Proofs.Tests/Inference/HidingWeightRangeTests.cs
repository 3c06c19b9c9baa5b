using System.Buffers.Binary;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Proofs.Tests.Statistics;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// The weight range proof of a hiding model commitment (<c>TSMC</c> v5) commits the logUp's multiplicities — the histogram of
/// the int8 weights — in its masking pool instead of publishing them: complete after a byte round trip, every new field bound
/// (the chunk holding them, the claim on them, the opening), and two models with different histograms indistinguishable by
/// the elements their range proofs reveal, while plain commitments, which publish the histogram, tell them apart.
/// </summary>
public sealed class HidingWeightRangeTests
{
    /// <summary>
    /// Two models of one architecture (so one public statement: shapes, shifts, fraction bits) whose weight histograms differ:
    /// the first quantized from Gaussian weights, the second with ternary weights in {−1, 0, 1}.
    /// </summary>
    internal static (QuantizedModel First, QuantizedModel Second) TwoModelsWithDifferentHistograms(int seed)
    {
        var random = new Random(seed);
        QuantizedModel first = TestModels.Quantized(TestModels.Mlp(random, [40, 12, 6]), random, 1).Model;
        var layers = first.Layers.Select(layer => layer.Kind != LayerKind.Dense
            ? layer
            : QuantizedLayer.Dense(layer.InFeatures, layer.OutFeatures, layer.Weights.ToArray().Select(_ => random.Next(3) - 1).ToArray(), layer.Bias, layer.Shift)).ToList();
        return (first, new QuantizedModel(first.InputShape, first.InputBits, first.InputFractionBits, first.OutputFractionBits, layers));
    }

    [Fact]
    public void HidingRangeProofsCommitTheirHistogramAndRefuseEveryTamperedField()
    {
        (QuantizedModel quantized, _) = TwoModelsWithDifferentHistograms(8300);
        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHiding, new SeededSaltSource(8301));
        WeightRangeProof proof = model.Commitment.RangeProof!;
        Assert.True(proof.Multiplicities.IsEmpty);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        ModelCommitment reread = ModelCommitmentSerializer.Deserialize(bytes);
        Assert.True(reread.VerifyWeightRanges());
        Assert.Equal(bytes, ModelCommitmentSerializer.Serialize(reread));
        Assert.True(WeightRangeArgument.SoundnessError(model.Commitment.Plan(1), LigeroParameters.DefaultHiding, LigeroParameters.DefaultHiding) < Math.Pow(2, -VerifierPolicy.Default.MinimumSoundnessBits));

        ProofVerdict Check(IReadOnlyList<E> values, SumcheckMaskChunk[] chunks, LigeroOpeningProof<E>[] openings) =>
            model.Commitment.WithRangeProof(new WeightRangeProof([], proof.Sumchecks, values.ToArray(), proof.Openings, chunks, openings)).CheckWeightRanges();
        Assert.True(Check(proof.ValueArray, proof.MaskChunks, proof.MaskOpenings).IsAccepted);

        // Every loose value (the logUp's column and multiplicity claims among them), the chunk holding the multiplicities (its
        // root, its size, dropped) and its opening.
        for (int i = 0; i < proof.ValueArray.Length; i++)
        {
            E[] values = proof.ValueArray.ToArray();
            values[i] += E.One;
            Assert.False(Check(values, proof.MaskChunks, proof.MaskOpenings).IsAccepted, $"value {i}");
        }

        SumcheckMaskChunk chunk = proof.MaskChunks[0];
        byte[] root = chunk.Root.ToArray();
        root[0] ^= 1;
        Assert.False(Check(proof.ValueArray, [new SumcheckMaskChunk(Digest256.FromBytes(root), chunk.LogSize), .. proof.MaskChunks.Skip(1)], proof.MaskOpenings).IsAccepted);
        Assert.False(Check(proof.ValueArray, [chunk with { LogSize = chunk.LogSize - 1 }, .. proof.MaskChunks.Skip(1)], proof.MaskOpenings).IsAccepted);
        Assert.False(Check(proof.ValueArray, [], []).IsAccepted);
        LigeroOpeningProof<E> opening = proof.MaskOpenings[0];
        E[] evaluation = opening.EvaluationRow.ToArray();
        evaluation[^1] += E.One;
        LigeroOpeningProof<E> changed = new(opening.ProximityRow, evaluation, opening.RowCount, opening.Columns, opening.Salts, opening.MerkleProof);
        Assert.False(Check(proof.ValueArray, proof.MaskChunks, [changed, .. proof.MaskOpenings.Skip(1)]).IsAccepted);

        // A plain commitment of the same model publishes its 256 multiplicities and stays version 3.
        CommittedModel plain = CommittedModel.Commit(quantized, LigeroParameters.NonHidingForBenchmarks, new SeededSaltSource(8301));
        Assert.Equal(256, plain.Commitment.RangeProof!.Multiplicities.Length);
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(ModelCommitmentSerializer.Serialize(plain.Commitment).AsSpan(4)));
        Assert.True(plain.Commitment.VerifyWeightRanges());
    }

    /// <summary>
    /// What a range-style proof reveals besides its Ligero openings (whose hiding <c>LigeroHidingTests</c> shows): published
    /// multiplicities, loose values, and every sumcheck's round messages, final evaluations, mask sum and mask value.
    /// </summary>
    internal static IEnumerable<E> RevealedElements(IEnumerable<Goldilocks> multiplicities, IEnumerable<E> values, IEnumerable<SumcheckProof<E>> sumchecks)
    {
        foreach (Goldilocks m in multiplicities)
        {
            yield return E.FromBase(m);
        }

        foreach (E value in values)
        {
            yield return value;
        }

        foreach (SumcheckProof<E> sumcheck in sumchecks)
        {
            for (int i = 0; i < sumcheck.RoundCount; i++)
            {
                foreach (E value in sumcheck.GetRoundPolynomial(i).ToArray())
                {
                    yield return value;
                }
            }

            foreach (E value in sumcheck.FactorEvaluations.ToArray())
            {
                yield return value;
            }

            if (sumcheck.IsMasked)
            {
                yield return sumcheck.MaskSum;
                yield return sumcheck.MaskValue;
            }
        }
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void RevealedElementsOfTwoModelsWithDifferentHistogramsAreIndistinguishableOnlyWhenHiding(bool hiding, bool withPublishedHistogram)
    {
        // The revealed elements of 12 range proofs of each model (salts and masks seeded per commitment) in a two-sample χ² over
        // each element's low four bits, where the counts of a histogram differ. Hiding commitments pass; plain ones, which publish
        // the histogram, are told apart, and so are the hiding proofs with the histogram that TSMC v4 published put back.
        const int Commitments = 12;
        (QuantizedModel first, QuantizedModel second) = TwoModelsWithDifferentHistograms(8310);
        LigeroParameters parameters = hiding ? LigeroParameters.DefaultHiding : LigeroParameters.NonHidingForBenchmarks;
        var test = new TwoSampleChiSquare();
        for (int s = 0; s < Commitments; s++)
        {
            foreach ((QuantizedModel quantized, bool isFirst) in new[] { (first, true), (second, false) })
            {
                CommittedModel model = CommittedModel.Commit(quantized, parameters, new SeededSaltSource(8311 + (2 * s) + (isFirst ? 0 : 1)));
                WeightRangeProof range = model.Commitment.RangeProof!;
                IEnumerable<E> revealed = RevealedElements(range.MultiplicityArray, range.ValueArray, range.Sumchecks);
                if (withPublishedHistogram)
                {
                    revealed = revealed.Concat(Histogram(quantized).Select(E.FromBase));
                }

                foreach (E value in revealed)
                {
                    test.AddLowBits(isFirst, value);
                }
            }
        }

        Assert.True((hiding && !withPublishedHistogram) != test.Distinguishes, $"χ² = {test.Statistic():F1} over {test.Counts} values");
    }

    /// <summary>The multiplicities of a model's weights (what a plain range proof publishes), computed independently of the prover.</summary>
    private static Goldilocks[] Histogram(QuantizedModel model)
    {
        var counts = new ulong[256];
        foreach (QuantizedLayer layer in model.Layers.Where(l => l.Kind == LayerKind.Dense))
        {
            foreach (int w in layer.Weights)
            {
                counts[w + 128]++;
            }
        }

        return counts.Select(c => new Goldilocks(c)).ToArray();
    }
}
