using Thestage.Models;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Tests.Quantization;
using Xunit.Abstractions;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// Thread CPU time and size of the weight range proof of a budgeted hiding commitment (MLP 784-128-10 and LeNet-5, <c>B = 16</c>),
/// written to the test output for <c>docs/results</c>: each round proves the range again on the committed model (the next mask set of
/// the budget) and verifies it. Nothing here asserts a time; every proof is checked to verify.
/// </summary>
public sealed class WeightRangeMeasurements(ITestOutputHelper output)
{
    [Theory]
    [InlineData("mlp-784-128-10")]
    [InlineData("lenet-5")]
    public void WeightRangeProofFigures(string name)
    {
        var random = new Random(9800);
        QuantizedModel quantized;
        if (name == "lenet-5")
        {
            Sequential source = TestModels.LeNet5(random, maxPooling: true);
            quantized = Quantizer.Quantize(source, TestModels.Inputs(random, source.InputShape, 4), 8);
        }
        else
        {
            quantized = TestModels.Quantized(TestModels.Mlp(random, [784, 128, 10]), random, 1).Model;
        }

        CommittedModel model = CommittedModel.Commit(quantized, LigeroParameters.DefaultHidingWithBudget(16), new SeededSaltSource(9801));
        CircuitPlan plan = model.Commitment.Plan(1);
        Goldilocks[][] segments = plan.BuildWeightSegments(quantized);
        byte[] bytes = ModelCommitmentSerializer.Serialize(model.Commitment);
        output.WriteLine($"{name}: TSMC v{BitConverter.ToUInt16(bytes, 4)} {bytes.Length} bytes, weight polynomials 2^{string.Join(" + 2^", model.Commitment.WeightLayout.NumVariables)}");
        for (int round = 0; round < 6; round++)
        {
            double cpu = ThreadCpu.Milliseconds();
            WeightRangeProof proof = WeightRangeArgument.Prove(model.Commitment, plan, segments, model.Polynomials, model.States, new SeededSaltSource(9802 + round));
            double prove = ThreadCpu.Milliseconds() - cpu;
            ModelCommitment withProof = model.Commitment.WithRangeProof(proof);
            int size = ModelCommitmentSerializer.Serialize(withProof).Length;
            cpu = ThreadCpu.Milliseconds();
            bool verified = WeightRangeArgument.Verify(withProof, proof).IsAccepted;
            double verify = ThreadCpu.Milliseconds() - cpu;
            Assert.True(verified);
            output.WriteLine($"{name}\tround {round}{(round == 0 ? " (warm-up)" : string.Empty)}\tprove {prove:F1} ms\tverify {verify:F1} ms\tTSMC {size} bytes\tsumchecks {proof.Sumchecks.Count}\tvalues {proof.Values.Length}");
        }
    }
}
