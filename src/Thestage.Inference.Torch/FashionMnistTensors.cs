using TorchSharp;
using Thestage.Inference.Data;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch;

/// <summary>Fashion-MNIST samples as TorchSharp tensors, ready for <c>HeFriendly.FineTune</c>.</summary>
public static class FashionMnistTensors
{
    /// <summary>The images as an [N, 1, 28, 28] tensor of values in [0, 1].</summary>
    /// <param name="set">The samples.</param>
    /// <param name="dtype">The element type (float32 unless given).</param>
    public static Tensor Images(FashionMnistSet set, ScalarType dtype = ScalarType.Float32)
    {
        ArgumentNullException.ThrowIfNull(set);
        TorchNative.EnsureLoadable();
        int size = FashionMnist.ImageSize * FashionMnist.ImageSize;
        var values = new double[set.Count * size];
        for (int i = 0; i < set.Count; i++)
        {
            set.Images[i].CopyTo(values, i * size);
        }

        using Tensor doubles = tensor(values, [set.Count, 1, FashionMnist.ImageSize, FashionMnist.ImageSize], ScalarType.Float64);
        return doubles.to_type(dtype);
    }

    /// <summary>The labels as an [N] int64 tensor (class indices 0–9).</summary>
    /// <param name="set">The samples.</param>
    public static Tensor Labels(FashionMnistSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        TorchNative.EnsureLoadable();
        return tensor(set.Labels.Select(l => (long)l).ToArray());
    }
}
