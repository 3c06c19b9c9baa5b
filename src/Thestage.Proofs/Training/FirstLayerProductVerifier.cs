using Thestage.Proofs.Fields;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>Checks a <see cref="FirstLayerProductProof"/> against a <see cref="TrainingTranscript"/> (protocol on <see cref="FirstLayerProductProver"/>).</summary>
public static class FirstLayerProductVerifier
{
    /// <summary>
    /// Verifies that the proof's accumulators are the first layer's weights of snapshot <c>proof.Step</c> times the
    /// inputs of that step's batch, those inputs being the committed dataset samples the batch schedule selects.
    /// </summary>
    /// <param name="training">The public training transcript.</param>
    /// <param name="proof">The proof (may be malformed).</param>
    /// <returns><see langword="true"/> if accepted; never throws on a malformed proof.</returns>
    public static bool Verify(TrainingTranscript training, FirstLayerProductProof? proof)
    {
        ArgumentNullException.ThrowIfNull(training);
        TrainingConfig config = training.Config;
        if (proof is null || proof.Step < 0 || proof.Step >= training.StepCount || proof.Sumcheck is null || proof.Opening is null)
        {
            return false;
        }

        (int m, int n, int p) = FirstLayerProductProtocol.Dimensions(config);
        if (p > FirstLayerProductProtocol.MaxBatchSize)
        {
            return false;
        }

        int[] batch = training.Batch(proof.Step);
        if (proof.Features.Count != p || proof.Labels.Count != p || proof.Salts.Count != p || proof.Paths.Count != p
            || proof.Accumulators.Count != config.LayerSizes[1] * p)
        {
            return false;
        }

        for (int b = 0; b < p; b++)
        {
            int[]? x = proof.Features[b];
            byte[]? salt = proof.Salts[b];
            if (x is null || salt is null || x.Length != config.InputSize || x.Any(v => v < config.ValueMin || v > config.ValueMax)
                || !DatasetCommitment.VerifySample(training.DatasetRoot, training.SampleCount, batch[b], x, proof.Labels[b], salt, proof.Paths[b]))
            {
                return false;
            }
        }

        foreach (long acc in proof.Accumulators)
        {
            if (acc <= -FirstLayerProductProtocol.AccumulatorBound || acc >= FirstLayerProductProtocol.AccumulatorBound)
            {
                return false;
            }
        }

        Goldilocks[] inputs = FirstLayerProductProtocol.InputMatrix(config, proof.FeaturesArray);
        Transcript transcript = FirstLayerProductProtocol.Begin(training, proof.Step, inputs);
        MatrixMultiplicationVerification<GoldilocksExt2> reduction = MatrixMultiplicationSumcheck.VerifyReduction(
            transcript, FirstLayerProductProtocol.AccumulatorMatrix(config, proof.AccumulatorArray), m, n, p, proof.Sumcheck);
        if (!reduction.IsValid
            || MatrixMultiplicationSumcheck.EvaluateMatrix<GoldilocksExt2>(inputs, reduction.BPoint) != reduction.BEvaluation)
        {
            return false;
        }

        Inference.SegmentLayout layout = WeightCommitment.Layout(config);
        GoldilocksExt2[] point = layout.Lift<GoldilocksExt2>(0, reduction.APoint);
        LigeroCommitment commitment = training.WeightCommitmentsAt(proof.Step)[layout.PolynomialOf(0)];
        return LigeroVerifier.Verify(transcript, commitment, training.Parameters, point, reduction.AEvaluation, proof.Opening);
    }
}
