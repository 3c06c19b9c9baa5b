using FsCheck.Xunit;
using Thestage.Models;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Polynomials;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>
/// The verifier's table-free evaluations of the plan-fixed zero-check factors (<see cref="ZeroKnowledgeLayout.EvaluateStructure"/>) equal
/// the multilinear extensions of the prover's tables (<see cref="ZeroKnowledgeLayout.StructureTable"/>) at random points: gather selectors
/// of convolutions (strides, paddings, odd and non-square sizes, several channels) and of average and max pooling (with the window
/// combination's powers), and the valid-entry indicators, at batch sizes 1 to 7, and every such factor of LeNet-5's zero-checks.
/// </summary>
public sealed class StructureEvaluationTests
{
    private static readonly (int, int)[] NoCoordinates = [];

    /// <summary>Random single-convolution plans: channels, kernel height and width, stride, padding, input size (widths of both kinds) and batch.</summary>
    [Property(MaxTest = 200)]
    public bool ConvolutionSelectorEqualsItsTableExtension(int seed)
    {
        var random = new Random(seed);
        int channels = 1 + random.Next(4), kernelHeight = 1 + random.Next(4), kernelWidth = 1 + random.Next(4);
        int stride = 1 + random.Next(3), padding = random.Next(3);
        int height = Math.Max(1, kernelHeight - (2 * padding)) + random.Next(8);
        // Half the widths a power of two (the per-axis factored correlation), half any size (one position field).
        int narrowest = Math.Max(1, kernelWidth - (2 * padding));
        int width = random.Next(2) == 0 ? 1 << (TensorLayout.CeilLog2(narrowest) + random.Next(3)) : narrowest + random.Next(8);
        var layer = new CircuitLayer(LayerKind.Conv2d, channels, 1 + random.Next(3), kernelHeight, kernelWidth, stride, padding, 4);
        CircuitPlan plan = CircuitPlan.Create(new Shape(channels, height, width), [layer], 1 + random.Next(7));
        return SelectorMatches(plan, 0, null, seed);
    }

    /// <summary>Random single-pooling plans (average, and max with the window powers ρ^j): channels, window, input size and batch.</summary>
    [Property(MaxTest = 200)]
    public bool PoolingSelectorEqualsItsTableExtension(int seed)
    {
        var random = new Random(seed);
        bool maximum = random.Next(2) == 0;
        int window = 1 + random.Next(3), channels = 1 + random.Next(9);
        var layer = new CircuitLayer(maximum ? LayerKind.MaxPool2d : LayerKind.AvgPool2d, 0, 0, window, window, window, 0, maximum ? 0 : 2);
        CircuitPlan plan = CircuitPlan.Create(new Shape(channels, window + random.Next(10), window + random.Next(10)), [layer], 1 + random.Next(7));
        var rng = new SeededWordSource(seed);
        return SelectorMatches(plan, 0, maximum ? rng.NextArray<E>(2 * layer.Window) : null, seed);
    }

    /// <summary>The valid-sample and valid-entry indicators at every batch size 1 … 9 and spatial size 1 … 40.</summary>
    [Property(MaxTest = 100)]
    public bool ValidEntryIndicatorsEqualTheirTableExtensions(int seed)
    {
        var random = new Random(seed);
        int height = 1 + random.Next(5), width = 1 + random.Next(8);
        var layer = new CircuitLayer(LayerKind.Conv2d, 1, 1 + random.Next(4), 1, 1, 1, 0, 4);
        CircuitPlan plan = CircuitPlan.Create(new Shape(1, height, width), [layer], 1 + random.Next(9));
        var rng = new SeededWordSource(seed);
        var batch = new ZeroCheckFactor(ZeroCheckSource.ValidBatch, 0, NoCoordinates);
        var entries = new ZeroCheckFactor(ZeroCheckSource.ValidSpatialBatch, 1, NoCoordinates);
        E[] batchPoint = rng.NextArray<E>(plan.LogBatch);
        E[] entryPoint = rng.NextArray<E>(plan.Layouts[1].LogSpatial + plan.LogBatch);
        return Matches(plan, batch, [], null, batchPoint) && Matches(plan, entries, [], null, entryPoint);
    }

    /// <summary>Every selector and indicator factor of LeNet-5's zero-checks (max and average pooling, batch 1 and 3), at the factors' own points.</summary>
    [Theory]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    [InlineData(false, 1)]
    [InlineData(false, 3)]
    public void LeNet5StructureFactorsEqualTheirTableExtensions(bool maxPooling, int batch)
    {
        CircuitPlan plan = CircuitPlan.Create(new Shape(1, 32, 32), LeNet5Layers(maxPooling), batch);
        var rng = new SeededWordSource(batch + (maxPooling ? 10 : 20));
        int checkedFactors = 0;
        foreach (ZeroCheck check in plan.ZeroKnowledge!.Checks)
        {
            E[]? powers = check.Window > 0 ? rng.NextArray<E>(2 * check.Window) : null;
            E[] z = rng.NextArray<E>(check.PointVariables);
            E[] point = rng.NextArray<E>(check.NumVariables);
            foreach (ZeroCheckFactor factor in check.Factors.Where(f => f.Source is ZeroCheckSource.Selector or ZeroCheckSource.ValidBatch or ZeroCheckSource.ValidSpatialBatch))
            {
                E[] own = factor.OwnPoint(point);
                Assert.Equal(MultilinearPolynomial<E>.Evaluate(ZeroKnowledgeLayout.StructureTable(plan, factor, z, powers), own), ZeroKnowledgeLayout.EvaluateStructure(plan, factor, z, powers, own));
                checkedFactors++;
            }
        }

        // Four gathers (two convolutions, two poolings) and the two convolutions' valid entries; at batch 3 (of 4 slots) the three dense
        // layers' valid samples too.
        Assert.Equal(batch == 1 ? 6 : 9, checkedFactors);
    }

    /// <summary>Points of the wrong length, a factor the plan does not fix and a selector of a layer without one are refused, not read out of range.</summary>
    [Fact]
    public void SelectorPointsOfTheWrongLengthAreRefused()
    {
        CircuitPlan plan = CircuitPlan.Create(new Shape(1, 32, 32), LeNet5Layers(true), 1);
        var selector = new ZeroCheckFactor(ZeroCheckSource.Selector, 0, NoCoordinates);
        int rows = plan.Taps[0].LogRows, inputs = plan.Layouts[0].LogSize;
        Assert.Throws<ArgumentException>(() => ZeroKnowledgeLayout.EvaluateStructure(plan, selector, new E[rows - 1], null, new E[inputs]));
        Assert.Throws<ArgumentException>(() => ZeroKnowledgeLayout.EvaluateStructure(plan, selector, new E[rows], null, new E[inputs + 1]));
        Assert.Throws<ArgumentException>(() => ZeroKnowledgeLayout.EvaluateStructure(plan, new ZeroCheckFactor(ZeroCheckSource.Eq, 0, NoCoordinates), new E[rows], null, new E[inputs]));
        Assert.Equal(LayerKind.Dense, plan.Layers[7].Kind);
        Assert.Throws<ArgumentException>(() => ZeroKnowledgeLayout.EvaluateStructure(plan, new ZeroCheckFactor(ZeroCheckSource.Selector, 7, NoCoordinates), new E[rows], null, new E[inputs]));
    }

    /// <summary>LeNet-5 as the benchmarks prove it: 32×32 input, two 5×5 convolutions each followed by 2×2 pooling and ReLU, three dense layers.</summary>
    private static CircuitLayer[] LeNet5Layers(bool maxPooling)
    {
        var layers = new List<CircuitLayer>();
        foreach ((int input, int output) in new[] { (1, 6), (6, 16) })
        {
            layers.Add(new CircuitLayer(LayerKind.Conv2d, input, output, 5, 5, 1, 0, 8));
            var pooling = new CircuitLayer(maxPooling ? LayerKind.MaxPool2d : LayerKind.AvgPool2d, 0, 0, 2, 2, 2, 0, maxPooling ? 0 : 2);
            var relu = new CircuitLayer(LayerKind.Relu, 0, 0, 0, 0, 0, 0, 0);
            layers.AddRange(maxPooling ? [pooling, relu] : [relu, pooling]);
        }

        layers.Add(new CircuitLayer(LayerKind.Flatten, 0, 0, 0, 0, 0, 0, 0));
        foreach ((int input, int output) in new[] { (400, 120), (120, 84), (84, 10) })
        {
            layers.Add(new CircuitLayer(LayerKind.Dense, input, output, 0, 0, 0, 0, 8));
            if (output != 10)
            {
                layers.Add(new CircuitLayer(LayerKind.Relu, 0, 0, 0, 0, 0, 0, 0));
            }
        }

        return [.. layers];
    }

    private static bool SelectorMatches(CircuitPlan plan, int layer, E[]? powers, int seed)
    {
        var rng = new SeededWordSource(seed ^ 0x5eed);
        E[] z = rng.NextArray<E>(plan.Taps[layer].LogRows + plan.LogBatch);
        E[] own = rng.NextArray<E>(plan.Layouts[layer].LogSize);
        return Matches(plan, new ZeroCheckFactor(ZeroCheckSource.Selector, layer, NoCoordinates), z, powers, own);
    }

    private static bool Matches(CircuitPlan plan, ZeroCheckFactor factor, E[] z, E[]? powers, E[] own) =>
        ZeroKnowledgeLayout.EvaluateStructure(plan, factor, z, powers, own) == MultilinearPolynomial<E>.Evaluate(ZeroKnowledgeLayout.StructureTable(plan, factor, z, powers), own);
}
