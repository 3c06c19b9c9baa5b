using Thestage.Benchmarks.Inference;
using Thestage.Benchmarks.Proofs;
using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;

namespace Thestage.Cli.Bench;

/// <summary>The one-time commitment of a model whose inferences are proven.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Parameters">Its weights and biases.</param>
/// <param name="Commit">Committing the quantized model (Ligero commitment of the weights and the int8 range proof).</param>
/// <param name="CommitmentBytes">The published commitment.</param>
internal sealed record ProofModelRow(string Model, long Parameters, Timing Commit, int CommitmentBytes);

/// <summary>Proving and verifying the inference of a batch.</summary>
/// <param name="Model">The model's name.</param>
/// <param name="Parameters">Its weights and biases.</param>
/// <param name="Batch">The images of the proof.</param>
/// <param name="Prove">Witness generation, commitment and the protocol, to the serialized proof.</param>
/// <param name="ProofBytes">The serialized proof.</param>
/// <param name="Verify">Deserializing and verifying the proof against the public inputs and outputs.</param>
/// <param name="SoundnessBits">The verifier's soundness for this model and batch.</param>
internal sealed record ProofRow(string Model, long Parameters, int Batch, Timing Prove, int ProofBytes, Timing Verify, double SoundnessBits);

/// <summary>
/// The shape of <c>InferenceProofBenchmarks</c> over model size and batch: the 784-h-10 ReLU MLPs and the CNN of
/// <see cref="ProofWorkloads"/>, quantized on its images (Fashion-MNIST test images when installed, else synthetic; the
/// cost of proving does not depend on the pixel values), each committed once, then one proof per batch.
/// </summary>
internal static class ProofSuite
{
    /// <summary>The models of <paramref name="scale"/>: name and model before quantization, smallest first.</summary>
    public static List<(string Name, Sequential Model)> Models(BenchScale scale)
    {
        var models = scale.ProofWidths.Select(h => ($"MLP 784-{h}-10 (ReLU)", ProofWorkloads.MlpSource(h))).ToList();
        if (scale.ProofCnn)
        {
            models.Add(("CNN conv 4×5×5-avgpool-576-10 (ReLU)", ProofWorkloads.CnnSource()));
        }

        return models.OrderBy(m => InferenceWorkloads.ParameterCount(m.Item2)).ToList();
    }

    /// <summary>Commits one model and measures its proofs at every batch size of <paramref name="scale"/>.</summary>
    public static (ProofModelRow Model, List<ProofRow> Proofs) Run(string name, Sequential source, BenchScale scale, BenchClock clock, Action<string> progress)
    {
        List<double[]> images = ProofWorkloads.Images(scale.ProofBatches.Max(), out _);
        long parameters = InferenceWorkloads.ParameterCount(source);
        progress($"{name}: commitment");
        CommittedModel model = CommittedModel.Commit(Thestage.Proofs.Quantization.Quantizer.Quantize(source, images), LigeroParameters.NonHidingForBenchmarks);
        Timing commit = clock.Measure(() => CommittedModel.Commit(model.Model, LigeroParameters.NonHidingForBenchmarks));
        var modelRow = new ProofModelRow(name, parameters, commit, ModelCommitmentSerializer.Serialize(model.Commitment).Length);
        var rows = new List<ProofRow>();
        foreach (int batch in scale.ProofBatches)
        {
            List<int[]> inputs = images.Take(batch).Select(x => model.Model.QuantizeInput(x)).ToList();
            (int[][] outputs, InferenceProof proof) = InferenceProver.ProveBatch(model, inputs);
            byte[] bytes = InferenceProofSerializer.Serialize(proof);
            if (!InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes)))
            {
                throw new InvalidOperationException($"The proof of {name}, batch {batch}, does not verify.");
            }

            progress($"{name}, batch {batch}: prove");
            Timing prove = clock.Measure(() => InferenceProofSerializer.Serialize(InferenceProver.ProveBatch(model, inputs).Proof));
            progress($"{name}, batch {batch}: verify");
            Timing verify = clock.Measure(() => InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, InferenceProofSerializer.Deserialize(bytes)));
            rows.Add(new ProofRow(name, parameters, batch, prove, bytes.Length, verify, InferenceVerifier.SoundnessBits(model.Commitment, batch)));
        }

        return (modelRow, rows);
    }
}
