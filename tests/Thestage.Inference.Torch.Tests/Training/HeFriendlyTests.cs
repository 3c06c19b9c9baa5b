using TorchSharp;
using TorchSharp.Modules;
using Thestage.Inference.Data;
using Thestage.Inference.Torch.Tests.Conversion;
using static TorchSharp.torch;

namespace Thestage.Inference.Torch.Tests.Training;

public sealed class HeFriendlyTests
{
    private static readonly ActivationApproximation Fit = new(-4, 4, 4);

    [Fact]
    public void EveryNonPolynomialActivationIsSwappedAndTheRestIsShared()
    {
        manual_seed(41);
        var model = nn.Sequential(
            ("a", nn.Linear(3, 4)),
            ("b", nn.ReLU()),
            ("inner", nn.Sequential(("c", nn.Sigmoid()), ("d", nn.Tanh()), ("e", nn.GELU()))),
            ("f", nn.Linear(4, 2)));

        var swapped = HeFriendly.WithPolynomialActivations(model, Fit);

        Assert.Equal(
            ["a", "b", "f", "inner", "inner.c", "inner.d", "inner.e"],
            swapped.named_modules().Select(m => m.Item1).Where(n => n.Length > 0).Order(StringComparer.Ordinal));
        Assert.Equal(4, swapped.modules().OfType<PolynomialActivation>().Count());
        Assert.DoesNotContain(swapped.modules(), m => m is ReLU or Sigmoid or Tanh or GELU);
        Assert.IsType<ReLU>(model.named_children().Single(c => c.Item1 == "b").Item2);
        Assert.Equal(model.state_dict().Keys, swapped.state_dict().Keys);

        using (no_grad())
        {
            ((Linear)model.named_children().First().Item2).weight!.add_(1);
        }

        Assert.Equal(model.state_dict()["a.weight"].data<float>().ToArray(), swapped.state_dict()["a.weight"].data<float>().ToArray());
    }

    [Fact]
    public void SquareSwapUsesTheSquareModule()
    {
        var swapped = HeFriendly.WithSquareActivations(nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 2), nn.Tanh()));
        Assert.Equal(2, swapped.modules().OfType<Square>().Count());
        Assert.Equal(2, TorchConverter.ToSequential(swapped, [2]).Layers.Count(l => l is Models.Activation { Name: "square" }));
    }

    [Fact]
    public void FineTuningAPolynomialNetworkLowersTheLossAndConvertsFaithfully()
    {
        manual_seed(42);
        var random = new Random(42);
        const int n = 256;
        var points = new double[n * 2];
        var classes = new long[n];
        for (int i = 0; i < n; i++)
        {
            classes[i] = i % 2;
            double centre = classes[i] == 0 ? -1 : 1;
            points[2 * i] = centre + (random.NextDouble() - 0.5);
            points[2 * i + 1] = -centre + (random.NextDouble() - 0.5);
        }

        using Tensor x = tensor(points, dtype: ScalarType.Float64).reshape(n, 2);
        using Tensor y = tensor(classes);
        var model = HeFriendly.WithPolynomialActivations(nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2)), Fit);
        model.to(ScalarType.Float64);

        IReadOnlyList<double> losses = HeFriendly.FineTune(model, x, y, epochs: 15, learningRate: 0.05, batchSize: 32);

        Assert.Equal(15, losses.Count);
        Assert.True(losses[^1] < losses[0] / 4, $"loss {losses[0]} → {losses[^1]}");
        Assert.False(model.training);
        using (no_grad())
        {
            using Tensor predicted = model.call(x).argmax(1);
            Assert.True(predicted.eq(y).sum().ToInt64() >= n * 95 / 100);
        }

        var ir = TorchConverter.ToSequential(model, [2]);
        Forward.AssertAgree(ir, model, [2], tolerance: 1e-9, samples: 5);
    }

    [Fact]
    public void FineTuneValidatesItsArguments()
    {
        var model = nn.Sequential(nn.Linear(2, 2));
        using Tensor x = zeros(4, 2);
        using Tensor y = zeros(4, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentOutOfRangeException>(() => HeFriendly.FineTune(model, x, y, 0, 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeFriendly.FineTune(model, x, y, 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeFriendly.FineTune(model, x, y, 1, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeFriendly.FineTune(model, x, y, 1, 0.1, batchSize: 0));
        using Tensor short_ = zeros(3, dtype: ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => HeFriendly.FineTune(model, x, short_, 1, 0.1));
    }

    [Fact]
    public void FineTuneReportsEveryOptimizerStepWithTheRunningLoss()
    {
        manual_seed(43);
        var model = nn.Sequential(nn.Linear(2, 2));
        using Tensor x = randn(10, 2);
        using Tensor y = tensor(Enumerable.Range(0, 10).Select(i => (long)(i % 2)).ToArray());
        var reports = new List<FineTuneProgress>();

        IReadOnlyList<double> losses = HeFriendly.FineTune(model, x, y, epochs: 2, learningRate: 0.01, batchSize: 4, new Recorder<FineTuneProgress>(reports.Add));

        // 10 samples in batches of 4: 3 steps per epoch (4, 4, 2 samples).
        Assert.Equal([(1, 1L), (1, 2L), (1, 3L), (2, 1L), (2, 2L), (2, 3L)], reports.Select(r => (r.Epoch, r.Batch)));
        Assert.All(reports, r => Assert.Equal((2, 3L, 6L), (r.Epochs, r.BatchesPerEpoch, r.TotalBatches)));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), reports.Select(r => r.CompletedBatches));
        Assert.Equal(losses[0], reports[2].Loss, 12);
        Assert.Equal(losses[1], reports[5].Loss, 12);
    }

    [Fact]
    public void FineTuneCancelledAfterTheFirstStepTakesNoOtherStepAndLeavesEvalMode()
    {
        manual_seed(44);
        var model = nn.Sequential(nn.Linear(2, 2));
        using Tensor x = randn(10, 2);
        using Tensor y = tensor(Enumerable.Range(0, 10).Select(i => (long)(i % 2)).ToArray());
        using var cancel = new CancellationTokenSource();
        var reports = new List<FineTuneProgress>();
        double[] WeightsNow() => model.parameters().SelectMany(p => p.data<float>().ToArray()).Select(v => (double)v).ToArray();
        double[] afterFirst = [];

        Assert.Throws<OperationCanceledException>(() => HeFriendly.FineTune(model, x, y, epochs: 5, learningRate: 0.01, batchSize: 4,
            new Recorder<FineTuneProgress>(p => { reports.Add(p); afterFirst = WeightsNow(); cancel.Cancel(); }), cancel.Token));

        Assert.Single(reports);
        Assert.Equal(afterFirst, WeightsNow());
        Assert.False(model.training);
    }

    [Fact]
    public void AnHeFriendlyCnnLearnsFashionMnistAndItsIrAgrees()
    {
        Assert.True(FashionMnist.IsAvailable(FashionMnistSplit.Train), "apt-get install dataset-fashion-mnist");
        FashionMnistSet train = FashionMnist.Load(FashionMnistSplit.Train, limit: 2000);
        FashionMnistSet test = FashionMnist.Load(FashionMnistSplit.Test, limit: 500);
        manual_seed(43);
        var model = HeFriendly.WithSquareActivations(nn.Sequential(
            nn.Conv2d(1, 4, 5, stride: 3),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(4 * 8 * 8, 32),
            nn.ReLU(),
            nn.Linear(32, 10)));

        using Tensor trainX = FashionMnistTensors.Images(train);
        using Tensor trainY = FashionMnistTensors.Labels(train);
        IReadOnlyList<double> losses = HeFriendly.FineTune(model, trainX, trainY, epochs: 4, learningRate: 0.003, batchSize: 50);
        Assert.True(losses[^1] < losses[0], string.Join(", ", losses));

        using Tensor testX = FashionMnistTensors.Images(test);
        using Tensor testY = FashionMnistTensors.Labels(test);
        double accuracy;
        using (no_grad())
        {
            using Tensor predicted = model.call(testX).argmax(1);
            accuracy = predicted.eq(testY).sum().ToInt64() / (double)test.Count;
        }

        Assert.True(accuracy > 0.6, $"test accuracy {accuracy}");
        var ir = TorchConverter.ToSequential(model, [1, 28, 28]);
        model.to(ScalarType.Float64);
        for (int i = 0; i < 10; i++)
        {
            double[] expected = Forward.Torch(model, test.Images[i], [1, 28, 28]);
            double[] actual = ir.Evaluate(test.Images[i]);
            Assert.Equal(expected.Length, actual.Length);
            Assert.All(expected.Zip(actual), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6 * Math.Max(1, Math.Abs(p.First)), $"torch {p.First}, IR {p.Second}"));
        }
    }

    /// <summary>A synchronous <see cref="IProgress{T}"/>, so every report has arrived when the call returns.</summary>
    private sealed class Recorder<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
