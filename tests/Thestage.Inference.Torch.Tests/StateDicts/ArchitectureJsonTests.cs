using TorchSharp;
using Thestage.Models;
using Thestage.Inference.Torch.StateDicts;
using Thestage.Inference.Torch.Tests.Conversion;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.StateDicts;

public sealed class ArchitectureJsonTests
{
    internal static nn.Module<Tensor, Tensor> EveryKind()
    {
        manual_seed(51);
        var bn2 = nn.BatchNorm2d(3, eps: 1e-3);
        var bn1 = nn.BatchNorm1d(5);
        Forward.Randomize(bn2, 52);
        Forward.Randomize(bn1, 53);
        return nn.Sequential(
            ("conv", nn.Conv2d(1, 3, 3, stride: 2, padding: 1)),
            ("bn2", bn2),
            ("poly", new PolynomialActivation(Activation.Tanh(-3, 3, 5))),
            ("pool", nn.AvgPool2d(2, 1)),
            ("drop", nn.Dropout(0.1)),
            ("id", nn.Identity()),
            ("inner", nn.Sequential(("flat", nn.Flatten()), ("fc", nn.Linear(12, 5)))),
            ("bn1", bn1),
            ("sq", new Square()),
            ("relu", nn.ReLU()),
            ("out", nn.Linear(5, 2)));
    }

    [Fact]
    public void RoundTripsEveryLayerKind()
    {
        IReadOnlyList<ModuleSpec> specs = TorchConverter.Describe(EveryKind());
        IReadOnlyList<ModuleSpec> parsed = ArchitectureJson.Parse(ArchitectureJson.Serialize(specs));

        Assert.Equal(specs.Count, parsed.Count);
        for (int i = 0; i < specs.Count; i++)
        {
            Assert.Equal(
                (specs[i].Kind, specs[i].Name, specs[i].KernelSize, specs[i].Stride, specs[i].Padding, specs[i].Epsilon),
                (parsed[i].Kind, parsed[i].Name, parsed[i].KernelSize, parsed[i].Stride, parsed[i].Padding, parsed[i].Epsilon));
            Assert.Equal(specs[i].Coefficients, parsed[i].Coefficients);
            Assert.Equal(specs[i].Label, parsed[i].Label);
        }
    }

    [Fact]
    public void JsonPlusSavedWeightsRebuildTheModel()
    {
        var model = EveryKind();
        var fit = new ActivationApproximation(-4, 4, 6);
        string json = ArchitectureJson.Serialize(TorchConverter.Describe(model));
        using var weights = new MemoryStream();
        model.save(weights);

        var ir = StateDictConverter.ToSequential(ArchitectureJson.Parse(json), StateDictReader.Read(weights.ToArray()), [1, 6, 6], fit);

        var live = TorchConverter.ToSequential(model, [1, 6, 6], fit);
        double[] x = Forward.Sample(new Random(54), [1, 6, 6]);
        Assert.Equal(live.ToString(), ir.ToString());
        Assert.Equal(live.Evaluate(x), ir.Evaluate(x));
    }

    [Fact]
    public void AHandWrittenDescriptionParses()
    {
        var specs = ArchitectureJson.Parse("""{"layers":[{"kind":"Conv2d","name":"0"},{"kind":"AvgPool2d","kernelSize":3},{"kind":"Polynomial","coefficients":[0,1,0.5]}]}""");
        Assert.Equal((1, 0), (specs[0].Stride, specs[0].Padding));
        Assert.Equal((3, 3), (specs[1].KernelSize, specs[1].Stride));
        Assert.Equal([0, 1, 0.5], specs[2].Coefficients);
        Assert.Equal("polynomial deg 2", specs[2].Label);
        Assert.Contains(specs, s => s.Kind == ModuleKind.Polynomial);
        Assert.Equal("tanh≈[-3, 3] deg 5", TorchConverter.Describe(EveryKind()).Single(s => s.Kind == ModuleKind.Polynomial).Label);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not JSON", "{layers: [" },
        { "an array", "[]" },
        { "no layers", """{"model":[]}""" },
        { "layers not an array", """{"layers":{}}""" },
        { "extra top-level property", """{"layers":[],"x":1}""" },
        { "layer not an object", """{"layers":[1]}""" },
        { "no kind", """{"layers":[{"name":"0"}]}""" },
        { "unknown kind", """{"layers":[{"kind":"MaxPool2d"}]}""" },
        { "numeric kind", """{"layers":[{"kind":"0","name":"0"}]}""" },
        { "combined kinds", """{"layers":[{"kind":"Linear, Conv2d","name":"0"}]}""" },
        { "kind not a string", """{"layers":[{"kind":3}]}""" },
        { "missing name", """{"layers":[{"kind":"Linear"}]}""" },
        { "unknown property", """{"layers":[{"kind":"Linear","name":"0","bias":false}]}""" },
        { "property on a bare kind", """{"layers":[{"kind":"ReLU","name":"1"}]}""" },
        { "zero stride", """{"layers":[{"kind":"Conv2d","name":"0","stride":0}]}""" },
        { "fractional padding", """{"layers":[{"kind":"Conv2d","name":"0","padding":1.5}]}""" },
        { "huge stride", """{"layers":[{"kind":"Conv2d","name":"0","stride":1e12}]}""" },
        { "pool without kernel", """{"layers":[{"kind":"AvgPool2d"}]}""" },
        { "negative epsilon", """{"layers":[{"kind":"BatchNorm1d","name":"1","epsilon":-1}]}""" },
        { "empty coefficients", """{"layers":[{"kind":"Polynomial","coefficients":[]}]}""" },
        { "string coefficient", """{"layers":[{"kind":"Polynomial","coefficients":["1"]}]}""" },
        { "overflowing coefficient", """{"layers":[{"kind":"Polynomial","coefficients":[1e400]}]}""" },
        { "label not a string", """{"layers":[{"kind":"Polynomial","label":1,"coefficients":[1]}]}""" },
        { "label too long", "{\"layers\":[{\"kind\":\"Polynomial\",\"label\":\"" + new string('x', 201) + "\",\"coefficients\":[1]}]}" },
        { "too deep", """{"layers":[{"kind":"Linear","name":"0","x":[[[[[[[[[[1]]]]]]]]]]}]}""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedDescriptionsAreInvalidData(string what, string json)
    {
        Assert.False(string.IsNullOrEmpty(what));
        Assert.Throws<InvalidDataException>(() => ArchitectureJson.Parse(json));
    }

    [Fact]
    public void OversizedDescriptionsAreRefused()
    {
        Assert.Throws<InvalidDataException>(() => ArchitectureJson.Parse(new string(' ', ArchitectureJson.MaxLength + 1)));
        string many = "{\"layers\":[" + string.Join(",", Enumerable.Repeat("{\"kind\":\"Flatten\"}", ArchitectureJson.MaxLayers + 1)) + "]}";
        Assert.Throws<InvalidDataException>(() => ArchitectureJson.Parse(many));
    }
}
