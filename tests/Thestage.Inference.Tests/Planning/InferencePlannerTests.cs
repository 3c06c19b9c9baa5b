using Thestage.Models;
using Thestage.Inference.Planning;
using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Tests.Planning;

public sealed class InferencePlannerTests
{
    [Fact]
    public void The_demo_cnn_gets_secure_parameters_and_exactly_its_rotation_steps()
    {
        InferencePlan plan = InferencePlanner.Plan(Models.Cnn(1));
        Assert.Equal(8192, plan.Parameters.PolyModulusDegree);
        Assert.Equal(5, plan.Depth);
        Assert.Equal(7, plan.Parameters.CoeffModulus.Count);

        // The convolution's outputs are placed at their windows' corners (70 diagonals, no fold); the dense layer after
        // it reads the 1024-slot span with its rows permuted.
        Func<int, int, double> conv = ((LinearLayer)Models.Cnn(1).Layers[0]).Matrix(new Shape(1, 28, 28));
        int[] slots = LinearTransform.PlaceOutputs(784, 256, conv, 4096)!;
        var expected = new SortedSet<int>(LinearTransform.Steps(784, conv, slots, 4096).Concat(LinearTransform.Steps(1024, 64, 4096)).Concat(LinearTransform.Steps(64, 10, 4096)));
        Assert.Equal(expected.ToArray(), plan.RotationSteps);
        Assert.Equal(15, plan.Layers[0].Rotations);
        Assert.Equal(70, plan.Layers[0].PlaintextMultiplications);
        Assert.Equal(15 + 18 + 8, plan.Rotations);
        string text = plan.Describe();
        Assert.Contains("N = 8192", text);
        Assert.Contains("Conv2d(1→4, 7×7, stride 3, padding 0)", text);
        Assert.Contains("outputs placed (70 diagonals, no fold)", text);
        Assert.True(plan.GaloisKeyBytes > 0 && plan.CiphertextBytes > 0);
    }

    [Fact]
    public void A_model_too_deep_for_any_secure_parameter_set_is_refused()
    {
        var layers = new List<Layer> { new Dense(new double[4, 4]) };
        for (int i = 0; i < 12; i++)
        {
            layers.Add(Activation.Sigmoid(-4, 4, 15));
        }

        var e = Assert.Throws<InsecureParametersException>(() => InferencePlanner.Plan(new Sequential([4], layers)));
        Assert.Contains("needs multiplicative depth 49", e.Message);
        Assert.Contains("at most 881 bits", e.Message);
    }

    [Fact]
    public void Batch_packing_needs_no_rotations()
    {
        InferencePlan plan = InferencePlanner.Plan(Models.Cnn(2), new PlannerOptions { Packing = TensorPacking.Batch });
        Assert.Empty(plan.RotationSteps);
        Assert.Equal(4096, plan.SamplesPerCiphertext);
        Assert.Equal(784, plan.InputCiphertexts);
    }
}
