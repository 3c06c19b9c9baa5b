using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Inference.Artifacts;

namespace Thestage.Inference.Tests.Artifacts;

/// <summary>The samples CSV of the <c>thestage</c> verbs: known answers, round trips over every finite double, and refusals.</summary>
public sealed class SampleCsvTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Known_lines_parse_to_their_values()
    {
        double[][] samples = SampleCsv.Parse(Utf8("\uFEFF1,2.5,-3e-2\r\n 4 ,\t+5.0E+1,-0\n-1.7976931348623157E+308,5e-324,0.1"), 3, 10);

        Assert.Equal(3, samples.Length);
        Assert.Equal([1, 2.5, -0.03], samples[0]);
        Assert.Equal([4, 50, 0], samples[1]);
        Assert.True(double.IsNegative(samples[1][2]));
        Assert.Equal([double.MinValue, double.Epsilon, 0.1], samples[2]);
    }

    [Fact]
    public void The_fixture_samples_parse_as_the_tests_read_them()
    {
        byte[] file = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Vectors", "samples.csv"));
        double[][] samples = SampleCsv.Parse(file, 64, 300);
        Assert.Equal(300, samples.Length);
        Assert.Equal(Compilation.OnnxFixtures.Test[0], samples[200]);
    }

    [Property(MaxTest = 300)]
    public Property Every_finite_double_round_trips_exactly(NonEmptyArray<NormalFloat> first, double[] extremes)
    {
        // NormalFloat covers the finite range; the second row adds raw doubles (subnormals, ±0, the extremes) that are finite.
        double[] a = [.. first.Get.Select(f => f.Get)];
        double[] b = [.. extremes.Where(double.IsFinite).Concat([double.Epsilon, -0.0, double.MaxValue, double.MinValue]).Take(a.Length)];
        double[][] rows = b.Length == a.Length ? [a, b] : [a];
        double[][] read = SampleCsv.Parse(SampleCsv.Format(rows), a.Length, 2);
        return (read.Length == rows.Length
            && read.Zip(rows).All(p => p.First.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(p.Second.Select(BitConverter.DoubleToInt64Bits)))).ToProperty();
    }

    [Fact]
    public void Format_writes_one_invariant_line_per_sample()
    {
        Assert.Equal("0.1,-2,1E-05\n3,4,5\n", Encoding.UTF8.GetString(SampleCsv.Format([[0.1, -2, 1e-5], [3, 4, 5]])));
        Assert.Throws<ArgumentException>(() => SampleCsv.Format([[double.NaN]]));
        Assert.Throws<ArgumentException>(() => SampleCsv.Format([[]]));
    }

    [Theory]
    [InlineData("1,2\n", "Line 1 has 2 values; 3 are expected")]
    [InlineData("1,2,3\n4,5,6,7\n", "Line 2 has 4 values")]
    [InlineData("1,2,3\n\n4,5,6\n", "Line 2 is empty")]
    [InlineData("1,2,3\n\n", "Line 2 is empty")]
    [InlineData("1,2,3\n  \n", "Line 2 is empty")]
    [InlineData("", "No samples")]
    [InlineData("\uFEFF", "No samples")]
    [InlineData("a,b,c\n1,2,3\n", "Line 1, value 1: 'a' is not a number")]
    [InlineData("1,,3\n", "Line 1, value 2: '' is not a number")]
    [InlineData("\"1\",2,3\n", "Line 1, value 1: '\"1\"' is not a number")]
    [InlineData("1,NaN,3\n", "Line 1, value 2: 'NaN' is not finite")]
    [InlineData("1,2,-Infinity\n", "value 3: '-Infinity' is not finite")]
    [InlineData("1,2,1e999\n", "value 3: '1e999' is not finite")]
    [InlineData("1;2;3\n", "Line 1 has 1 values")]
    [InlineData("1,2,3\n4,5,6\n7,8,9\n10,11,12\n", "More than 3 samples")]
    public void Malformed_csv_is_refused_naming_the_line(string text, string message)
    {
        InvalidDataException e = Assert.Throws<InvalidDataException>(() => SampleCsv.Parse(Utf8(text), 3, 3));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_longer_than_its_width_allows_is_refused_before_its_values_are_read()
    {
        string huge = "1," + new string(' ', 200) + "2,3\n";
        Assert.Contains("Line 1 is 205 bytes long; a line of 3 values has at most 192", Assert.Throws<InvalidDataException>(() => SampleCsv.Parse(Utf8(huge), 3, 10)).Message, StringComparison.Ordinal);
        byte[] tooMuch = new byte[SampleCsv.MaxBytes(3, 2) + 1];
        Assert.Contains("bytes; at most", Assert.Throws<InvalidDataException>(() => SampleCsv.Parse(tooMuch, 3, 2)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Control_characters_and_long_fields_are_not_echoed()
    {
        string field = "\u0001" + new string('x', 100);
        string message = Assert.Throws<InvalidDataException>(() => SampleCsv.Parse(Utf8($"{field},1\n"), 2, 1)).Message;
        Assert.DoesNotContain('\u0001', message);
        Assert.DoesNotContain(new string('x', 30), message, StringComparison.Ordinal);
    }
}
