using FsCheck.Xunit;
using Thestage.Models;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Inference;

namespace Thestage.Proofs.Tests.Inference;

/// <summary>The layout of a private input's commitment (<see cref="InputLayout"/>): its lookups bound exactly the model's input range; its segments.</summary>
public sealed class InputLayoutTests
{
    // FsCheck favours small integers; each value is also tried shifted to the top of the int range and near its bottom.
    private static IEnumerable<int> Spread(int x) => [x, x << 20, int.MinValue + Math.Abs(x % 1000), int.MaxValue - Math.Abs(x % 1000)];

    [Property(Replay = "(9500,2027)", MaxTest = 300)]
    public bool TheLookupsOfTheInputTensorAcceptExactlyTheSignedIntegersOfTheModelsWidth(int value, byte width)
    {
        int bits = 2 + (width % (InputLayout.MaxInputBits - 1));
        InputLayout layout = InputLayout.Create(Shape.Vector(1), bits, 1);
        return Spread(value).All(v =>
        {
            // What the logUp checks of the committed entry, each column's affine map into the table [0, 2^8), in the field.
            Goldilocks x = CircuitPlan.Field(v);
            bool looked = layout.Columns.All(c => ((x * new Goldilocks(c.Scale)) + new Goldilocks(c.Offset)).Value < 256);
            bool inRange = v >= -(1 << (bits - 1)) && v < 1 << (bits - 1);
            return looked == inRange && layout.Admits([v]) == inRange;
        });
    }

    [Fact]
    public void TheMlpAndLeNet5InputsAreLaidOutAsTheCircuitsInputTensorBesideARandomSegment()
    {
        // 784 inputs in 1024 entries (padding: the zero-check runs), the random segment 2·B entries; LeNet-5's 1×32×32 fills 1024.
        InputLayout mlp = InputLayout.Create(Shape.Vector(784), 8, 2);
        Assert.Equal((10, 2, 11, true), (mlp.Tensor.LogSize, mlp.RandomLogSize, mlp.NumVariables, mlp.HasPadding));
        Assert.Equal([(1UL, 128UL)], mlp.Columns);
        Assert.Equal(0, mlp.Segments.OffsetOf(InputLayout.TensorSegment));
        Assert.Equal(1024, mlp.Segments.OffsetOf(InputLayout.RandomSegment));
        InputLayout lenet = InputLayout.Create(Shape.Image(1, 32, 32), 8, 16);
        Assert.Equal((10, 5, 11, false), (lenet.Tensor.LogSize, lenet.RandomLogSize, lenet.NumVariables, lenet.HasPadding));
        InputLayout narrow = InputLayout.Create(Shape.Image(3, 5, 5), 4, 64);
        Assert.Equal([(1UL, 8UL), (16UL, 128UL)], narrow.Columns);
        Assert.Equal((2 + 5, 7, 8), (narrow.Tensor.LogSize, narrow.RandomLogSize, narrow.NumVariables));
        Goldilocks[] tensor = narrow.Scatter(Enumerable.Range(0, 75).Select(i => (i % 16) - 8).ToArray());
        Assert.Equal(CircuitPlan.Field(-8), tensor[0]);
        Assert.Equal(CircuitPlan.Field((25 % 16) - 8), tensor[32]); // channel 1 starts at 32 (25 positions padded to 32)
        Assert.Equal(Goldilocks.Zero, tensor[25]);
        Assert.Throws<ArgumentException>(() => InputLayout.Create(Shape.Vector(4), 9, 1));
        Assert.Throws<ArgumentException>(() => InputLayout.Create(Shape.Vector(1 << 23), 8, 1));
    }
}
