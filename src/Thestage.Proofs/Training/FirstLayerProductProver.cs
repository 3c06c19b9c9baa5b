using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Sumcheck;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Training;

/// <summary>
/// Proves the first layer's forward matrix product of one training step against the commitments of a
/// <see cref="TrainingTranscript"/>: <c>ACC = W_0 · Xᵀ</c> with <c>W_0</c> from the committed snapshot of that step and
/// <c>X</c> the step's batch, opened from the committed dataset.
/// </summary>
/// <remarks>
/// <para>
/// Protocol (non-interactive by Fiat–Shamir over BLAKE2s): the transcript absorbs the training transcript's digest,
/// the step, the snapshot root and the batch inputs; the prover sends the accumulators <c>C = ACC</c> (padded to
/// <c>m × B</c>, <c>m = 2^⌈log2 out⌉</c>) and runs Thaler's matrix-multiplication sumcheck (CRYPTO 2013, §5) for
/// <c>A = W_0</c> (<c>m × n</c>, <c>n = 2^⌈log2 in⌉</c>) and <c>B = Xᵀ</c>, reducing <c>C̃(r_1, r_2)</c> to
/// <c>W̃_0(r_1, s)</c> and <c>X̃ᵀ(s, r_2)</c>. The verifier evaluates <c>X̃ᵀ</c> itself from the opened samples and
/// checks <c>W̃_0(r_1, s)</c> by one Ligero opening, at the lifted point, of the snapshot polynomial holding segment 0
/// of the packing on <c>WeightCommitment</c> (for architectures where <c>W_0</c> outweighs the rest, a polynomial of its
/// own, so the point is just <c>(r_1, s)</c>).
/// </para>
/// <para>
/// Soundness error: <c>(log m + log B + 2·log n)/|E|</c> for the sumcheck (<c>|E| ≈ 2^128</c>) plus
/// <c>(5/8)^152 + codeword/|E| ≈ 2^−103</c> for the opening (see <c>docs/proofs.md</c>), plus BLAKE2s collision
/// resistance for the dataset paths. The identity holds over <c>F_p</c>; it equals the integer product because the
/// verifier requires <c>|acc| &lt; 2^62</c> and, when the snapshot is also shown in range by
/// <see cref="SnapshotRangeArgument"/> (a separate proof, checked once per snapshot), every true integer product is
/// below <c>2^62</c> by <see cref="TrainingConfig"/>'s width rules (the verifier checks that the opened inputs lie in the value range).
/// </para>
/// </remarks>
public static class FirstLayerProductProver
{
    /// <summary>Proves the first layer's product for <paramref name="step"/>.</summary>
    /// <param name="run">The recorded run (holds the dataset salts and the snapshot's Ligero state).</param>
    /// <param name="dataset">The training set the run committed to.</param>
    /// <param name="step">The step, in <c>[0, T)</c>.</param>
    /// <returns>The proof.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is not a recorded step.</exception>
    /// <exception cref="ArgumentException">The batch exceeds <c>2^15</c> (the sumcheck's dimension limit) or the dataset is not the committed one.</exception>
    public static FirstLayerProductProof Prove(TrainingRun run, TrainingDataset dataset, int step)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dataset);
        if (run.Transcript.Config.BatchSize > FirstLayerProductProtocol.MaxBatchSize || dataset.Count != run.Transcript.SampleCount)
        {
            throw new ArgumentException("The batch is too large for the sumcheck or the dataset does not match the run.");
        }

        return Prove(run, dataset, step, run.Snapshots[step].WeightsOf(0), null);
    }

    /// <summary>Proves with explicit first-layer weights and optionally altered accumulators (honest: the snapshot's weights, null).</summary>
    internal static FirstLayerProductProof Prove(TrainingRun run, TrainingDataset dataset, int step, int[] weights, Func<long[], long[]>? alterAccumulators)
    {
        TrainingTranscript training = run.Transcript;
        TrainingConfig config = training.Config;
        int[] batch = training.Batch(step);
        int inputs = config.InputSize;
        int outputs = config.LayerSizes[1];
        (int m, int n, int p) = FirstLayerProductProtocol.Dimensions(config);

        var features = new int[p][];
        var labels = new int[p];
        var salts = new byte[p][];
        var paths = new MerklePath[p];
        for (int b = 0; b < p; b++)
        {
            features[b] = dataset.GetFeatures(batch[b]);
            labels[b] = dataset.GetLabel(batch[b]);
            paths[b] = run.Dataset.Open(batch[b], out salts[b]);
        }

        var accumulators = new long[outputs * p];
        for (int j = 0; j < outputs; j++)
        {
            for (int b = 0; b < p; b++)
            {
                long acc = 0;
                for (int i = 0; i < inputs; i++)
                {
                    acc += (long)weights[(j * inputs) + i] * features[b][i];
                }

                accumulators[(j * p) + b] = acc;
            }
        }

        if (alterAccumulators is not null)
        {
            accumulators = alterAccumulators(accumulators);
        }

        var a = new Goldilocks[m * n];
        for (int j = 0; j < outputs; j++)
        {
            for (int i = 0; i < inputs; i++)
            {
                a[(j * n) + i] = WeightCommitment.Embed(weights[(j * inputs) + i]);
            }
        }

        Goldilocks[] x = FirstLayerProductProtocol.InputMatrix(config, features);
        Transcript transcript = FirstLayerProductProtocol.Begin(training, step, x);
        MatrixMultiplicationProverOutput<GoldilocksExt2> product = MatrixMultiplicationSumcheck.Prove<GoldilocksExt2>(
            transcript, a, x, FirstLayerProductProtocol.AccumulatorMatrix(config, accumulators), m, n, p);
        Inference.SegmentLayout layout = WeightCommitment.Layout(config);
        GoldilocksExt2[] point = layout.Lift<GoldilocksExt2>(0, product.APoint);
        LigeroOpeningProof<GoldilocksExt2> opening = LigeroProver.Open(transcript, run.WeightStates(step)[layout.PolynomialOf(0)], point, out _);
        return new FirstLayerProductProof(step, features, labels, salts, paths, accumulators, product.Proof, opening);
    }
}
