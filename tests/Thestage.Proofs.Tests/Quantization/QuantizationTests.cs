using FsCheck.Xunit;
using Thestage.Proofs.Quantization;
using Xunit.Abstractions;
using Thestage.Models;

namespace Thestage.Proofs.Tests.Quantization;

public sealed class QuantizationTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5L, 1, 3L)]
    [InlineData(4L, 1, 2L)]
    [InlineData(-5L, 1, -2L)]
    [InlineData(-6L, 2, -1L)]
    [InlineData(-7L, 2, -2L)]
    [InlineData(6L, 2, 2L)]
    [InlineData(1000L, 0, 1000L)]
    [InlineData(-1L, 3, 0L)]
    [InlineData(-5L, 3, -1L)]
    public void RequantizationRoundsHalfUp(long accumulator, int shift, long expected)
    {
        QuantizedModel model = new(Shape.Vector(1), 2, 0, 0, [QuantizedLayer.Dense(1, 1, [1], [(int)accumulator], shift)]);
        Assert.Equal(expected, IntegerEvaluator.Evaluate(model, [0])[0]);
        Assert.Equal(expected, (long)ReferenceEvaluator.RoundHalfUp(accumulator, shift));
    }

    [Property(Replay = "(301,2027)", MaxTest = 25)]
    public bool IntegerEvaluatorMatchesTheNaiveReferenceOnRandomMlps(int seed)
    {
        var random = new Random(seed);
        int[] widths = [1 + random.Next(12), 1 + random.Next(10), 1 + random.Next(6)];
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(TestModels.Mlp(random, widths), random, 3);
        return inputs.All(x => IntegerEvaluator.Evaluate(model, x).SequenceEqual(ReferenceEvaluator.Evaluate(model, x)));
    }

    [Property(Replay = "(302,2027)", MaxTest = 25)]
    public bool IntegerEvaluatorMatchesTheNaiveReferenceOnRandomCnns(int seed)
    {
        var random = new Random(seed);
        Sequential cnn = TestModels.Cnn(random, 1 + random.Next(2), 4 + random.Next(4), 1 + random.Next(3), 1 + random.Next(3), 1 + random.Next(2), random.Next(2), 2 + random.Next(3));
        (QuantizedModel model, List<int[]> inputs) = TestModels.Quantized(cnn, random, 3);
        return inputs.All(x => IntegerEvaluator.Evaluate(model, x).SequenceEqual(ReferenceEvaluator.Evaluate(model, x)));
    }

    [Fact]
    public void ValidationRejectsModelsThatCouldLeaveTheirRanges()
    {
        int[] weights = Enumerable.Repeat(127, 64).ToArray();
        Assert.Throws<ArgumentException>(() => new QuantizedModel(Shape.Vector(64), 8, 0, 0, [QuantizedLayer.Dense(64, 1, weights, [0], 0)]));
        QuantizedModel ok = new(Shape.Vector(64), 8, 0, 0, [QuantizedLayer.Dense(64, 1, weights, [0], 5)]);
        Assert.Equal(FixedPointBound(64L * 127 * 128, 5), ok.BoundAt(1));
        Assert.Throws<ArgumentException>(() => new QuantizedModel(Shape.Vector(4), 16, 0, 0, [QuantizedLayer.Square(14)]));
        Assert.Throws<ArgumentException>(() => QuantizedLayer.Dense(2, 1, [128, 0], [0], 0));
        Assert.Throws<ArgumentException>(() => QuantizedLayer.AvgPool2d(3, 1));
        Assert.Throws<ArgumentException>(() => IntegerEvaluator.Evaluate(ok, new int[64].Select(_ => 128).ToArray()));
        Assert.Throws<ArgumentException>(() => IntegerEvaluator.Evaluate(ok, new int[63]));
    }

    private static long FixedPointBound(long accumulator, int shift) =>
        Math.Max(Math.Abs((accumulator + (1L << (shift - 1))) >> shift), Math.Abs((-accumulator + (1L << (shift - 1))) >> shift));

    [Fact]
    public void TheQuantizerUsesTheSharedCalibration()
    {
        var random = new Random(64);
        Sequential model = TestModels.Cnn(random, 1, 8, 3, 3, 1, 1, 4);
        List<double[]> samples = TestModels.Inputs(random, model.InputShape, 12);
        Calibration calibration = Calibration.Measure(model, samples);
        QuantizedModel fromSamples = Quantizer.Quantize(model, samples), fromCalibration = Quantizer.Quantize(model, calibration);
        Assert.Equal(fromSamples.InputFractionBits, fromCalibration.InputFractionBits);
        Assert.Equal(fromSamples.OutputFractionBits, fromCalibration.OutputFractionBits);
        Assert.Equal(fromSamples.Layers.Select(l => (l.Kind, l.Shift)), fromCalibration.Layers.Select(l => (l.Kind, l.Shift)));
        Assert.Throws<ArgumentException>(() => Quantizer.Quantize(model, new Calibration(1, [new(0, 1), new(0, 1)])));
        Assert.Contains("no fixed-point form", Assert.Throws<ArgumentException>(() => Quantizer.Quantize(new Sequential([1, 4, 4], [new MaxPool2d(2, stride: 1)]), [new double[16]])).Message);
        Assert.Contains("no fixed-point form", Assert.Throws<ArgumentException>(() => Quantizer.Quantize(new Sequential([1, 10, 10], [new MaxPool2d(5)]), [new double[100]])).Message);
    }

    [Fact]
    public void QuantizedMlpTracksTheFloatModel()
    {
        var random = new Random(310);
        Sequential model = TestModels.Mlp(random, 64, 32, 10);
        List<double[]> calibration = TestModels.Inputs(random, model.InputShape, 32);
        List<double[]> test = TestModels.Inputs(random, model.InputShape, 64);
        QuantizedModel quantized = Quantizer.Quantize(model, calibration);
        AgreementReport report = Quantizer.Compare(model, quantized, test);
        output.WriteLine($"64-32-10 MLP: {report}; shifts {string.Join(",", quantized.Layers.Select(l => l.Shift))}");
        Assert.Equal(64, report.SampleCount);
        Assert.True(report.MeanAbsoluteError < 0.05 * report.MaxAbsoluteOutput, report.ToString());
        Assert.True(report.ArgmaxAgreement >= 0.85, report.ToString());
    }

    [Fact]
    public void QuantizedCnnTracksTheFloatModel()
    {
        var random = new Random(311);
        Sequential model = TestModels.Cnn(random, 2, 8, 4, 3, 1, 1, 5);
        List<double[]> calibration = TestModels.Inputs(random, model.InputShape, 32);
        List<double[]> test = TestModels.Inputs(random, model.InputShape, 64);
        QuantizedModel quantized = Quantizer.Quantize(model, calibration);
        AgreementReport report = Quantizer.Compare(model, quantized, test);
        output.WriteLine($"CNN: {report}; shifts {string.Join(",", quantized.Layers.Select(l => l.Shift))}");
        Assert.True(report.MeanAbsoluteError < 0.1 * report.MaxAbsoluteOutput, report.ToString());
        Assert.True(report.ArgmaxAgreement >= 0.75, report.ToString());
    }
}
