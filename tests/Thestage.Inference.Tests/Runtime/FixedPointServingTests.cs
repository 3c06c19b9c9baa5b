using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Inference.Tests.Model;
using Thestage.Privacy.Tensors;
using Thestage.Proofs.Training;
using Xunit.Abstractions;

namespace Thestage.Inference.Tests.Runtime;

/// <summary>
/// A model trained in fixed point (proofs of training), exported with a polynomial ReLU and served encrypted. The bounds
/// here are CKKS's own, so the server does not flood its outputs.
/// </summary>
public sealed class FixedPointServingTests(ITestOutputHelper output)
{
    /// <summary>CKKS error allowed on an output: measured 2.1e-4 to 5.2e-4 at scale 2^26 over runs of both tests (a fault gives errors of order one).</summary>
    private const double CkksTolerance = 1e-2;

    [Fact]
    public void The_exported_model_served_encrypted_predicts_as_the_fixed_point_model()
    {
        // 4-16-3 MLP, f = 8, 100 SGD steps on Gaussian blobs; 54 of the 64 held-out samples are classified correctly.
        // Every hidden pre-activation of those samples lies in [−1.45, 1.45], so ReLU becomes its degree-7 Chebyshev
        // fit on [−2, 2] (depth 3; error up to 0.13, at the kink). The model has depth 5: N = 8192, scale 2^26.
        FixedPointModels.Trained m = FixedPointModels.Train([4, 16, 3], steps: 100, seed: 3);
        const double R = 2;
        int f = m.Config.FractionalBits;
        Sequential exact = FixedPointExport.ToSequential(m.Weights);
        Sequential model = FixedPointExport.ToSequential(m.Weights, Activation.Relu(-R, R, 7));
        double[] rounding = FixedPointExportTests.RoundingBound(m.Weights);
        int count = m.Test.Count;
        var inputs = new double[count][];
        var scores = new double[count][];
        for (int s = 0; s < count; s++)
        {
            int[] features = m.Test.GetFeatures(s);
            inputs[s] = FixedPointModels.Real(features, f);
            scores[s] = Array.ConvertAll(m.Trainer.Forward(m.Weights, features), y => Math.ScaleB(y, -f));
            double[] hidden = exact.Layers[0].Evaluate(inputs[s], exact.InputShape);
            Assert.True(hidden.All(z => Math.Abs(z) <= R), $"sample {s} leaves the fitted interval"); // else the fit is meaningless
        }

        InferencePlan plan = InferencePlanner.Plan(model, new PlannerOptions { Packing = TensorPacking.Batch });
        Assert.Equal(8192, plan.Parameters.PolyModulusDegree);
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()), OutputFlooding.None);
        double[][] encrypted = client.DecryptBatchOutput(server.Evaluate(client.EncryptBatch(inputs)));

        // Each encrypted output is within B_j = e_j (the fixed-point rounding, FixedPointExportTests) + |p − ReLU|'s effect
        // (the polynomial and the exact export, both evaluated in plain) + the CKKS tolerance of the fixed-point score, so
        // the argmax must agree wherever the fixed-point margin over every other class j exceeds B_best + B_j.
        // Measured: 64 of 64 agree (the plain polynomial model also 64 of 64); 59 of them are decided by the bound.
        int agree = 0, decided = 0;
        double ckks = 0;
        for (int s = 0; s < count; s++)
        {
            double[] polynomial = model.Evaluate(inputs[s]);
            double[] reference = exact.Evaluate(inputs[s]);
            double[] bound = new double[rounding.Length];
            for (int j = 0; j < bound.Length; j++)
            {
                Assert.True(Math.Abs(encrypted[s][j] - polynomial[j]) <= CkksTolerance, $"sample {s}, output {j}: CKKS {encrypted[s][j]}, plain {polynomial[j]}");
                ckks = Math.Max(ckks, Math.Abs(encrypted[s][j] - polynomial[j]));
                bound[j] = rounding[j] + Math.Abs(polynomial[j] - reference[j]) + CkksTolerance;
                Assert.True(Math.Abs(encrypted[s][j] - scores[s][j]) <= bound[j], $"sample {s}, output {j}: CKKS {encrypted[s][j]}, fixed point {scores[s][j]}, bound {bound[j]}");
            }

            int best = FixedPointModels.ArgMax(scores[s]);
            bool isDecided = Enumerable.Range(0, bound.Length).All(j => j == best || scores[s][best] - scores[s][j] > bound[best] + bound[j]);
            int predicted = FixedPointModels.ArgMax(encrypted[s]);
            if (isDecided)
            {
                Assert.Equal(best, predicted);
                decided++;
            }

            agree += predicted == best ? 1 : 0;
        }

        output.WriteLine($"agreement {agree}/{count}, decided by the bound {decided}, largest CKKS error {ckks:E2}");
        Assert.True(decided >= count / 2, $"only {decided} samples are decided by the bound");
        Assert.True(agree >= count * 7 / 8, $"agreement {agree}/{count}");
    }

    [Fact]
    public void One_sample_per_ciphertext_matches_the_plain_polynomial_model()
    {
        // The default (row-major) packing: dense layers as BSGS diagonal transforms with rotations.
        FixedPointModels.Trained m = FixedPointModels.Train([4, 16, 3], steps: 100, seed: 3);
        int f = m.Config.FractionalBits;
        Sequential model = FixedPointExport.ToSequential(m.Weights, Activation.Relu(-2, 2, 7));
        InferencePlan plan = InferencePlanner.Plan(model);
        using var client = new InferenceClient(plan);
        var server = new EncryptedModel(model, plan, EvaluationKeys.FromBytes(client.CreateEvaluationKeys().ToBytes()), OutputFlooding.None);
        double ckks = 0;
        for (int s = 0; s < 3; s++)
        {
            double[] x = FixedPointModels.Real(m.Test.GetFeatures(s), f);
            double[] expected = model.Evaluate(x);
            double[] actual = client.DecryptOutput(server.Evaluate(client.EncryptSample(x)));
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= CkksTolerance, $"sample {s}: {p.First} vs {p.Second}"));
            ckks = Math.Max(ckks, expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max());
        }

        output.WriteLine($"largest CKKS error {ckks:E2}");
    }
}
