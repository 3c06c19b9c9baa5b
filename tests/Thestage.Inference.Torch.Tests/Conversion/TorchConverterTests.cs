using TorchSharp;
using TorchSharp.Modules;
using Thestage.Models;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.Conversion;

public sealed class TorchConverterTests
{
    private static readonly ActivationApproximation Fit = new(-4, 4, 7);

    private static T F64<T>(T module)
        where T : nn.Module
    {
        module.to(ScalarType.Float64);
        module.eval();
        return module;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Linear(bool bias)
    {
        manual_seed(1);
        var model = F64(nn.Sequential(nn.Linear(6, 4, hasBias: bias)));
        var ir = TorchConverter.ToSequential(model, [6]);
        Assert.IsType<Dense>(Assert.Single(ir.Layers));
        Forward.AssertAgree(ir, model, [6]);
    }

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(2, 1, false)]
    [InlineData(3, 2, true)]
    public void Conv2d(int stride, int padding, bool bias)
    {
        manual_seed(2);
        var model = F64(nn.Sequential(nn.Conv2d(2, 3, (3, 2), stride: (stride, stride), padding: (padding, padding), bias: bias)));
        var ir = TorchConverter.ToSequential(model, [2, 7, 6]);
        var conv = Assert.IsType<Models.Conv2d>(Assert.Single(ir.Layers));
        Assert.Equal((stride, padding, 3, 2), (conv.Stride, conv.Padding, conv.KernelHeight, conv.KernelWidth));
        Forward.AssertAgree(ir, model, [2, 7, 6]);
    }

    [Theory]
    [InlineData(2, null)]
    [InlineData(3, 1)]
    [InlineData(2, 3)]
    public void AvgPool2d(int kernel, int? stride)
    {
        var model = F64(nn.Sequential(nn.AvgPool2d(kernel, stride)));
        var ir = TorchConverter.ToSequential(model, [2, 7, 7]);
        Forward.AssertAgree(ir, model, [2, 7, 7]);
    }

    [Fact]
    public void FlattenThenLinear()
    {
        manual_seed(3);
        var model = F64(nn.Sequential(nn.Flatten(), nn.Linear(18, 5)));
        var ir = TorchConverter.ToSequential(model, [2, 3, 3]);
        Assert.IsType<Models.Flatten>(ir.Layers[0]);
        Forward.AssertAgree(ir, model, [2, 3, 3]);
    }

    [Fact]
    public void Square()
    {
        var model = F64(nn.Sequential(new Square()));
        var ir = TorchConverter.ToSequential(model, [5]);
        Assert.Equal("square", Assert.IsType<Activation>(Assert.Single(ir.Layers)).Name);
        Forward.AssertAgree(ir, model, [5], scale: 3);
    }

    [Fact]
    public void PolynomialActivationConvertsToTheSamePolynomial()
    {
        var activation = Activation.Sigmoid(-5, 5, 5);
        var model = F64(nn.Sequential(new PolynomialActivation(activation)));
        var ir = TorchConverter.ToSequential(model, [8]);
        var converted = Assert.IsType<Activation>(Assert.Single(ir.Layers));
        Assert.Equal(activation.Coefficients, converted.Coefficients);
        Assert.Equal(activation.Name, converted.Name);
        Forward.AssertAgree(ir, model, [8], scale: 4);
    }

    public static TheoryData<string> SmoothActivations => ["relu", "sigmoid", "tanh", "gelu"];

    [Theory]
    [MemberData(nameof(SmoothActivations))]
    public void ActivationsBecomeTheCallersFitAndMatchThePolynomialNetwork(string name)
    {
        manual_seed(4);
        nn.Module<Tensor, Tensor> activation = name switch
        {
            "relu" => nn.ReLU(),
            "sigmoid" => nn.Sigmoid(),
            "tanh" => nn.Tanh(),
            _ => nn.GELU(),
        };
        var model = F64(nn.Sequential(nn.Linear(5, 6), activation, nn.Linear(6, 2)));
        var ir = TorchConverter.ToSequential(model, [5], Fit);

        Assert.StartsWith(name, Assert.IsType<Activation>(ir.Layers[1]).Name);
        Assert.Equal(Fit.Degree, ((Activation)ir.Layers[1]).Degree);
        var polynomialModel = F64(HeFriendly.WithPolynomialActivations(model, Fit));
        Forward.AssertAgree(ir, polynomialModel, [5]);
    }

    [Fact]
    public void BatchNorm1dFoldsExactlyIntoTheLinear()
    {
        manual_seed(5);
        var norm = nn.BatchNorm1d(4, eps: 1e-3);
        Forward.Randomize(norm, 11);
        var model = F64(nn.Sequential(nn.Linear(6, 4), norm));
        var ir = TorchConverter.ToSequential(model, [6]);
        Assert.IsType<Dense>(Assert.Single(ir.Layers));
        Forward.AssertAgree(ir, model, [6], tolerance: 1e-12);
    }

    [Fact]
    public void BatchNorm2dFoldsExactlyIntoTheConvolution()
    {
        manual_seed(6);
        var norm = nn.BatchNorm2d(3);
        Forward.Randomize(norm, 12);
        var model = F64(nn.Sequential(nn.Conv2d(2, 3, 3, padding: 1, bias: false), norm));
        var ir = TorchConverter.ToSequential(model, [2, 5, 5]);
        Assert.IsType<Models.Conv2d>(Assert.Single(ir.Layers));
        Forward.AssertAgree(ir, model, [2, 5, 5], tolerance: 1e-12);
    }

    [Fact]
    public void IdentityAndDropoutAreDropped()
    {
        manual_seed(7);
        var model = F64(nn.Sequential(nn.Identity(), nn.Linear(3, 3), nn.Dropout(0.5), nn.Identity()));
        var ir = TorchConverter.ToSequential(model, [3]);
        Assert.IsType<Dense>(Assert.Single(ir.Layers));
        Forward.AssertAgree(ir, model, [3]);
    }

    [Fact]
    public void ASingleLayerModuleConverts()
    {
        manual_seed(8);
        var model = F64(nn.Linear(4, 2));
        var ir = TorchConverter.ToSequential(model, [4]);
        Forward.AssertAgree(ir, model, [4]);
    }

    [Fact]
    public void ASmallCnnWithEverySupportedKindAgrees()
    {
        manual_seed(9);
        var bn2 = nn.BatchNorm2d(4);
        var bn1 = nn.BatchNorm1d(16);
        Forward.Randomize(bn2, 21);
        Forward.Randomize(bn1, 22);
        var features = nn.Sequential(
            ("conv1", nn.Conv2d(1, 4, 3, padding: 1)),
            ("bn1", bn2),
            ("sq", new Square()),
            ("pool", nn.AvgPool2d(2)),
            ("drop", nn.Dropout(0.2)),
            ("conv2", nn.Conv2d(4, 6, 3, stride: 2)),
            ("act", nn.ReLU()));
        var head = nn.Sequential(nn.Flatten(), nn.Linear(24, 16), bn1, nn.Tanh(), nn.Identity(), nn.Linear(16, 8), nn.GELU(), nn.Linear(8, 4), nn.Sigmoid(), nn.Linear(4, 3));
        var model = F64(nn.Sequential(("features", features), ("head", head)));

        var specs = TorchConverter.Describe(model);
        Assert.Equal(["features.conv1", "features.bn1"], specs.Take(2).Select(s => s.Name));
        var ir = TorchConverter.ToSequential(model, [1, 10, 10], Fit);
        Assert.Equal([3], ir.OutputShape);
        Forward.AssertAgree(ir, F64(HeFriendly.WithPolynomialActivations(model, Fit)), [1, 10, 10]);
    }

    public static TheoryData<string> UnsupportedModules => ["maxpool", "conv-groups", "conv-dilation", "conv-reflect", "conv-stride-2x1", "pool-ceil", "pool-padding", "flatten-0", "lstm-like", "custom"];

    [Theory]
    [MemberData(nameof(UnsupportedModules))]
    public void UnsupportedModulesAreRefusedByNameWithTheSupportedList(string which)
    {
        nn.Module<Tensor, Tensor> bad = which switch
        {
            "maxpool" => nn.MaxPool2d(2),
            "conv-groups" => nn.Conv2d(2, 2, 3, groups: 2),
            "conv-dilation" => nn.Conv2d(1, 1, 3, dilation: 2),
            "conv-reflect" => nn.Conv2d(1, 1, 3, padding: 1, padding_mode: PaddingModes.Reflect),
            "conv-stride-2x1" => nn.Conv2d(1, 1, (3, 3), stride: (2, 1)),
            "pool-ceil" => nn.AvgPool2d(2, ceil_mode: true),
            "pool-padding" => nn.AvgPool2d(3, 1, 1),
            "flatten-0" => nn.Flatten(0),
            "lstm-like" => nn.Softmax(1),
            _ => new Doubler(),
        };
        var model = nn.Sequential(("ok", nn.Identity()), ("bad", bad));

        var e = Assert.Throws<NotSupportedException>(() => TorchConverter.ToSequential(model, [1, 6, 6]));
        Assert.Contains("'bad'", e.Message);
        Assert.Contains(bad.GetType().Name, e.Message);
        Assert.Contains(TorchConverter.SupportedModules, e.Message);
    }

    [Fact]
    public void ABatchNormThatDoesNotFollowALinearLayerIsRefused()
    {
        var model = nn.Sequential(nn.Linear(3, 3), new Square(), nn.BatchNorm1d(3));
        var e = Assert.Throws<InvalidDataException>(() => TorchConverter.ToSequential(model, [3]));
        Assert.Contains("BatchNorm1d", e.Message);
        Assert.Throws<InvalidDataException>(() => TorchConverter.ToSequential(nn.Sequential(nn.Linear(3, 3), nn.BatchNorm2d(3)), [3]));
    }

    [Fact]
    public void AnActivationWithoutAnApproximationStaysExactAndTheCkksPlannerSaysWhatToDo()
    {
        Models.Sequential ir = TorchConverter.ToSequential(nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.Linear(3, 2), nn.Sigmoid()), [3]);
        Assert.Equal(LayerKind.Relu, ir.Layers[1].Kind);
        Assert.Equal(LayerKind.Sigmoid, ir.Layers[3].Kind);
        double[] x = [1, -2, 0.5];
        double[] hidden = ir.Layers[0].Evaluate(x, [3]);
        Assert.Equal(hidden.Select(v => Math.Max(0, v)), ir.Layers[1].Evaluate(hidden, [3]));
        var e = Assert.Throws<NotSupportedException>(() => Thestage.Inference.Planning.InferencePlanner.Plan(ir));
        Assert.Contains("Layer 1 is an exact Relu", e.Message);
    }

    [Fact]
    public void NonFiniteWeightsAreRefused()
    {
        var linear = nn.Linear(2, 2);
        using (no_grad())
        {
            linear.weight![0, 0] = tensor(float.NaN);
        }

        Assert.Throws<InvalidDataException>(() => TorchConverter.ToSequential(nn.Sequential(linear), [2]));
    }

    private sealed class Doubler : nn.Module<Tensor, Tensor>
    {
        public Doubler()
            : base(nameof(Doubler))
        {
        }

        public override Tensor forward(Tensor input) => input * 2;
    }
}
