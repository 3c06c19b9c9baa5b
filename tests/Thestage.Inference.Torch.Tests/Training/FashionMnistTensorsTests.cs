using TorchSharp;
using Thestage.Inference.Data;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.Training;

public sealed class FashionMnistTensorsTests
{
    [Fact]
    public void ImagesAndLabelsKeepEveryValue()
    {
        Assert.True(FashionMnist.IsAvailable(FashionMnistSplit.Test), "apt-get install dataset-fashion-mnist");
        FashionMnistSet set = FashionMnist.Load(FashionMnistSplit.Test, limit: 6);

        using Tensor images = FashionMnistTensors.Images(set, ScalarType.Float64);
        using Tensor labels = FashionMnistTensors.Labels(set);
        using Tensor single = FashionMnistTensors.Images(set);

        Assert.Equal([6L, 1, 28, 28], images.shape);
        Assert.Equal(ScalarType.Float32, single.dtype);
        Assert.Equal(ScalarType.Int64, labels.dtype);
        Assert.Equal(set.Images.SelectMany(i => i).ToArray(), images.data<double>().ToArray());
        Assert.Equal(set.Labels.Select(l => (long)l).ToArray(), labels.data<long>().ToArray());
        Assert.Equal(set.Images[3][400], single[3, 0, 14, 8].ToDouble(), 1e-7);
    }
}
