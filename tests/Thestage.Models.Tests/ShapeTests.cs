namespace Thestage.Models.Tests;

public sealed class ShapeTests
{
    [Fact]
    public void A_shape_is_its_dimensions_with_a_channel_view()
    {
        Shape image = [3, 4, 5];
        Assert.Equal(60, image.Size);
        Assert.Equal((3, 4, 5), (image.Channels, image.Height, image.Width));
        Assert.Equal((7, 1, 1), (Shape.Vector(7).Channels, Shape.Vector(7).Height, Shape.Vector(7).Width));
        Assert.Equal(image, new Shape(3, 4, 5));
        Assert.True(image == (Shape)new[] { 3, 4, 5 });
        Assert.NotEqual(Shape.Vector(3), new Shape(3, 1, 1));
        Assert.Equal("[3, 4, 5]", image.ToString());
        Assert.Throws<InvalidOperationException>(() => new Shape(2, 2).Channels);
    }

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 3, -1 })]
    [InlineData(new[] { 1 << 12, 1 << 12, 2 })]
    [InlineData(new[] { 65536, 65536, 65536 })]
    [InlineData(new[] { 1, 1, 1, 1, 1, 1, 1, 1, 1 })]
    public void Empty_negative_oversized_and_overflowing_shapes_are_refused(int[] dimensions)
    {
        Assert.Throws<ArgumentException>(() => new Shape(dimensions));
    }
}
