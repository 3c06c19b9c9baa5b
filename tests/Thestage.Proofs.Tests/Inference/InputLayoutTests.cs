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
        // 784 inputs in 1024 entries (padding: the zero-check runs), the random segment 2·B entries, and per mask set (TSIC v2) the
        // relation's mask (2·64 entries), the lookup column's and the padding's (2·10, in 32): 1024 + 2·192 + 4 entries, 2^11.
        InputLayout mlp = InputLayout.Create(Shape.Vector(784), 8, 2);
        Assert.Equal((10, 2, 11, true, 3), (mlp.Tensor.LogSize, mlp.RandomLogSize, mlp.NumVariables, mlp.HasPadding, mlp.MasksPerSet));
        Assert.Equal([(1UL, 128UL)], mlp.Columns);
        Assert.Equal(0, mlp.Segments.OffsetOf(InputLayout.TensorSegment));
        Assert.Equal(1024 + (2 * 128) + (4 * 32), mlp.Segments.OffsetOf(InputLayout.RandomSegment));
        Assert.Equal([1024, 1024 + 128, 1024 + 256, 1024 + 288, 1024 + 320, 1024 + 352], new[] { mlp.RelationMask(0), mlp.RelationMask(1), mlp.LookupMask(0, 0), mlp.PaddingMask(0), mlp.LookupMask(1, 0), mlp.PaddingMask(1) }.Select(mlp.Segments.OffsetOf));
        Assert.Throws<ArgumentOutOfRangeException>(() => mlp.RelationMask(2));

        // LeNet-5's 1×32×32 fills 1024 (no padding: two masks per set); a batch of 3 is padded to 4 samples, which the zero-check covers.
        InputLayout lenet = InputLayout.Create(Shape.Image(1, 32, 32), 8, 16);
        Assert.Equal((10, 5, 12, false, 2), (lenet.Tensor.LogSize, lenet.RandomLogSize, lenet.NumVariables, lenet.HasPadding, lenet.MasksPerSet));
        InputLayout batch = InputLayout.Create(Shape.Image(1, 32, 32), 8, 2, batch: 3);
        Assert.Equal((12, true, 3), (batch.Tensor.LogSize, batch.HasPadding, batch.Box.Length));
        InputLayout v1 = InputLayout.Create(Shape.Image(1, 32, 32), 8, 16, masked: false);
        Assert.Equal((11, 0), (v1.NumVariables, v1.MasksPerSet));
        Assert.Throws<ArgumentException>(() => InputLayout.Create(Shape.Vector(4), 8, 1, batch: 2, masked: false));
        InputLayout narrow = InputLayout.Create(Shape.Image(3, 5, 5), 4, 64);
        Assert.Equal([(1UL, 8UL), (16UL, 128UL)], narrow.Columns);
        Assert.Equal((2 + 5, 7, 14), (narrow.Tensor.LogSize, narrow.RandomLogSize, narrow.NumVariables));
        Goldilocks[] tensor = narrow.Scatter([Enumerable.Range(0, 75).Select(i => (i % 16) - 8).ToArray()]);
        Assert.Equal(CircuitPlan.Field(-8), tensor[0]);
        Assert.Equal(CircuitPlan.Field((25 % 16) - 8), tensor[32]); // channel 1 starts at 32 (25 positions padded to 32)
        Assert.Equal(Goldilocks.Zero, tensor[25]);
        Assert.Throws<ArgumentException>(() => InputLayout.Create(Shape.Vector(4), 9, 1));
        Assert.Throws<ArgumentException>(() => InputLayout.Create(Shape.Vector(1 << 23), 8, 1));
    }
}
