namespace Thestage.Models.Tests.Calibration;

public sealed class CalibrationTests
{
    [Fact]
    public void The_ranges_are_the_extremes_of_every_tensor_over_the_samples()
    {
        // y = 2·x0 − x1 + 1, then ReLU.
        var model = new Sequential([2], [new Dense(new double[,] { { 2 }, { -1 } }, [1]), Activation.Exact(LayerKind.Relu)]);
        Models.Calibration c = Models.Calibration.Measure(model, [[1, 0], [-2, 3], [0.5, 0.5]]);
        Assert.Equal(3, c.SampleCount);
        Assert.Equal(new ValueRange(-2, 3), c.Ranges[0]);
        Assert.Equal(new ValueRange(-6, 3), c.OutputRangeOf(0)); // 3, −6, 1.5
        Assert.Equal(new ValueRange(0, 3), c.OutputRangeOf(1));
        Assert.Equal(c.OutputRangeOf(0), c.InputRangeOf(1));
        Assert.Throws<ArgumentException>(() => Models.Calibration.Measure(model, []));
        Assert.Throws<ArgumentException>(() => Models.Calibration.Measure(model, [[double.NaN, 0]]));
        Assert.Throws<ArgumentException>(() => new Models.Calibration(1, [new(0, 1), new(2, 1)]));
    }

    [Fact]
    public void Agreement_counts_argmax_and_errors()
    {
        AgreementReport r = AgreementReport.Compare([[1, 2, 3], [5, 1, 0]], [[1, 2, 2.5], [0, 6, 0]]);
        Assert.Equal(2, r.SampleCount);
        Assert.Equal(5, r.MaxAbsoluteError);
        Assert.Equal((0.5 + 5 + 5) / 6, r.MeanAbsoluteError, 12);
        Assert.Equal(5, r.MaxAbsoluteOutput);
        Assert.Equal(0.5, r.ArgmaxAgreement);
    }
}
