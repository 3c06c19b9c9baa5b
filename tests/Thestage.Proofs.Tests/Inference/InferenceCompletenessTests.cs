using FsCheck.Xunit;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;

namespace Thestage.Proofs.Tests.Inference;

public sealed class InferenceCompletenessTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void MlpProofsVerifyAndOutputsMatchTheEvaluator(int batch)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Mlp(500 + batch, batch, 12, 7, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[b]), outputs[b]);
        }

        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }

    [Theory]
    [InlineData(1, 1, 6, 2, 3, 1, 1)]
    [InlineData(2, 2, 7, 3, 3, 2, 0)]
    [InlineData(3, 1, 5, 1, 2, 1, 2)]
    public void CnnProofsVerify(int batch, int channels, int size, int outChannels, int kernel, int stride, int padding)
    {
        (CommittedModel model, List<int[]> inputs) = InferenceTestKit.Cnn(600 + batch, batch, channels, size, outChannels, kernel, stride, padding, 3);
        (int[][] outputs, InferenceProof proof) = InferenceTestKit.Prove(model, inputs);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(IntegerEvaluator.Evaluate(model.Model, inputs[b]), outputs[b]);
        }

        Assert.True(InferenceVerifier.VerifyBatch(model.Commitment, inputs, outputs, proof));
    }
}
