using Thestage.Models.Serialization;
using Thestage.Models.Tests.Layers;

namespace Thestage.Models.Tests.Serialization;

public sealed class ModelSerializerTests
{
    /// <summary>A model with every layer kind the format writes.</summary>
    internal static Sequential EveryKind(int seed = 1)
    {
        var random = new Random(seed);
        return new Sequential([2, 6, 6], [
            new Conv2d(RandomModels.Kernels(random, 3, 2, 3, 0.5), RandomModels.Vector(random, 3), stride: 1, padding: 1),
            Activation.Exact(LayerKind.Relu),
            new MaxPool2d(2),
            Activation.Exact(LayerKind.Tanh),
            new AvgPool2d(3, 1),
            Activation.Square(),
            new Flatten(),
            new Dense(RandomModels.Matrix(random, 3, 5, 1), RandomModels.Vector(random, 5)),
            Activation.Exact(LayerKind.Sigmoid),
            Activation.Relu(-2, 3, 7),
            Activation.FromPolynomial([0.5, -1, 0.25], "my polynomial", 0.5, 0.1),
            Activation.Exact(LayerKind.Gelu),
        ]);
    }

    [Fact]
    public void A_model_round_trips_exactly()
    {
        Sequential model = EveryKind();
        byte[] bytes = ModelSerializer.Serialize(model);
        Assert.Equal("TSMD"u8.ToArray(), bytes[..4]);
        Sequential back = ModelSerializer.DeserializeModel(bytes);
        Assert.Equal(model.Layers.Select(l => l.ToString()), back.Layers.Select(l => l.ToString()));
        Assert.Equal(model.InputShape, back.InputShape);
        double[] x = RandomModels.Vector(new Random(2), model.InputShape.Size);
        Assert.Equal(model.Evaluate(x), back.Evaluate(x));
        Assert.Equal(bytes, ModelSerializer.Serialize(back));
    }

    [Fact]
    public void A_calibration_round_trips_exactly()
    {
        Sequential model = EveryKind();
        var random = new Random(3);
        Models.Calibration c = Models.Calibration.Measure(model, [.. Enumerable.Range(0, 5).Select(_ => RandomModels.Vector(random, model.InputShape.Size))]);
        Models.Calibration back = ModelSerializer.DeserializeCalibration(ModelSerializer.Serialize(c));
        Assert.Equal(c.SampleCount, back.SampleCount);
        Assert.Equal(c.Ranges, back.Ranges);
    }

    [Fact]
    public void Truncated_trailing_and_foreign_bytes_are_refused()
    {
        byte[] bytes = ModelSerializer.Serialize(EveryKind());
        for (int cut = 0; cut < bytes.Length; cut += 97)
        {
            Assert.Throws<ModelFormatException>(() => ModelSerializer.DeserializeModel(bytes.AsSpan(0, cut)));
        }

        Assert.Contains("follow", Assert.Throws<ModelFormatException>(() => ModelSerializer.DeserializeModel([.. bytes, 0])).Message);
        byte[] version = (byte[])bytes.Clone();
        version[4] = 2;
        Assert.Contains("version 2", Assert.Throws<ModelFormatException>(() => ModelSerializer.DeserializeModel(version)).Message);
        Assert.Contains("TSCL", Assert.Throws<ModelFormatException>(() => ModelSerializer.DeserializeCalibration(bytes)).Message);
    }

    [Fact]
    public void A_dense_layer_announcing_2_pow_24_weights_in_a_few_bytes_is_refused_before_allocating()
    {
        // TSMD v1, input [4096], one Dense 4096 → 4096 and no weights.
        byte[] hostile = [.. "TSMD"u8, 1, 0, 1, 0, 16, 0, 0, 1, 0, 0, 0, 0, 0, 16, 0, 0, 0, 16, 0, 0];
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Contains("announced", Assert.Throws<ModelFormatException>(() => ModelSerializer.DeserializeModel(hostile)).Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
    }
}
