using Thestage.Proofs.Commitments;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>Shared setup for inference-proof tests: deterministic models, commitments (seeded salts) and proofs.</summary>
internal static class InferenceTestKit
{
    /// <summary>An MLP committed with the default parameters (hiding, with the default opening budget).</summary>
    public static (CommittedModel Model, List<int[]> Inputs) Mlp(int seed, int batch, params int[] widths) => Mlp(null, seed, batch, widths);

    /// <summary>An MLP committed with <paramref name="parameters"/> (<see cref="LigeroParameters.NonHidingForBenchmarks"/> in the tests of the plain formats).</summary>
    public static (CommittedModel Model, List<int[]> Inputs) Mlp(LigeroParameters? parameters, int seed, int batch, params int[] widths)
    {
        var random = new Random(seed);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, widths), random, batch);
        return (CommittedModel.Commit(model, parameters, new SeededSaltSource(seed)), inputs);
    }

    public static (CommittedModel Model, List<int[]> Inputs) Cnn(
        int seed, int batch, int channels, int size, int outChannels, int kernel, int stride, int padding, int classes, LigeroParameters? parameters = null)
    {
        var random = new Random(seed);
        Sequential cnn = TestModels.Cnn(random, channels, size, outChannels, kernel, stride, padding, classes);
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(cnn, random, batch);
        return (CommittedModel.Commit(model, parameters, new SeededSaltSource(seed)), inputs);
    }

    public static (int[][] Outputs, InferenceProof Proof) Prove(CommittedModel model, List<int[]> inputs, int seed = 7) =>
        InferenceProver.ProveBatch(model, inputs, new SeededSaltSource(seed));
}
