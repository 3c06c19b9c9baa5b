using System.Globalization;
using System.Text;

namespace Thestage.Inference.Artifacts;

/// <summary>
/// Samples as CSV, the file format of the <c>thestage</c> workflow (Concrete ML's and EZKL's shape): one sample per line, no
/// header, the values of a model's input (or output) flattened in C order, separated by commas; numbers in the invariant
/// culture. Read from untrusted files: every line is checked before its values are allocated, the whole input is bounded by
/// <see cref="MaxBytes"/>, and every refusal is an <see cref="InvalidDataException"/> naming the line (the exception of the
/// formats of others in this library).
/// </summary>
/// <remarks>
/// Accepted: UTF-8 (a leading byte-order mark is skipped), lines ended by <c>\n</c> or <c>\r\n</c> (the last one may be
/// unended), values with spaces or tabs around them, any number <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
/// reads in <see cref="NumberStyles.Float"/> (sign, decimals, exponent). Refused: empty lines (a blank line is not a sample),
/// a line with another number of values than the width, a line longer than <see cref="MaxLineBytes"/>, more lines than the
/// caller's maximum, quotes or anything else that is not a number, NaN and infinities. Written values are the shortest
/// strings that read back to the same double (round-trip precision), one line per sample, <c>\n</c>-ended.
/// </remarks>
public static class SampleCsv
{
    /// <summary>The most bytes one value may take on a line, its separator and surrounding spaces included: 64.</summary>
    public const int MaxValueBytes = 64;

    /// <summary>The largest input read: 1 GiB.</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The longest line for a width: <see cref="MaxValueBytes"/> per value.</summary>
    /// <param name="width">Values per line, at least 1.</param>
    /// <returns>The bound in bytes.</returns>
    public static long MaxLineBytes(int width) => (long)Math.Max(width, 1) * MaxValueBytes;

    /// <summary>The largest input of <paramref name="maxSamples"/> lines of <paramref name="width"/> values (at most <see cref="MaxFileBytes"/>).</summary>
    /// <param name="width">Values per line.</param>
    /// <param name="maxSamples">Lines.</param>
    /// <returns>The bound in bytes.</returns>
    public static long MaxBytes(int width, int maxSamples) => Math.Min(MaxFileBytes, (MaxLineBytes(width) + 2) * Math.Max(maxSamples, 1) + 3);

    /// <summary>Reads samples of <paramref name="width"/> values each.</summary>
    /// <param name="data">The CSV's bytes (UTF-8).</param>
    /// <param name="width">The values per sample (a model's input size), 1 to 2^24.</param>
    /// <param name="maxSamples">The most samples accepted, at least 1.</param>
    /// <returns>The samples, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="maxSamples"/> is out of range.</exception>
    /// <exception cref="InvalidDataException">The bytes are not such a CSV (the message names the line and what was wrong).</exception>
    public static double[][] Parse(ReadOnlySpan<byte> data, int width, int maxSamples)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 1 << 24);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSamples, 1);
        long limit = MaxBytes(width, maxSamples);
        if (data.Length > limit)
        {
            throw new InvalidDataException($"{data.Length} bytes; at most {limit} are read for {maxSamples} samples of {width} values.");
        }

        if (data.StartsWith("\uFEFF"u8))
        {
            data = data[3..];
        }

        if (data.IsEmpty)
        {
            throw new InvalidDataException("No samples: the file is empty (one sample per line, no header).");
        }

        long maxLine = MaxLineBytes(width);
        var samples = new List<double[]>();
        int line = 0;
        while (!data.IsEmpty)
        {
            line++;
            int end = data.IndexOf((byte)'\n');
            ReadOnlySpan<byte> text = end < 0 ? data : data[..end];
            data = end < 0 ? [] : data[(end + 1)..];
            if (text.EndsWith("\r"u8))
            {
                text = text[..^1];
            }

            if (text.Length > maxLine)
            {
                throw new InvalidDataException($"Line {line} is {text.Length} bytes long; a line of {width} values has at most {maxLine}.");
            }

            if (text.Trim(" \t"u8).IsEmpty)
            {
                throw new InvalidDataException($"Line {line} is empty; every line is one sample (no blank lines, no header).");
            }

            int values = text.Count((byte)',') + 1;
            if (values != width)
            {
                throw new InvalidDataException($"Line {line} has {values} values; {width} are expected (the model's input, flattened in C order).");
            }

            if (samples.Count == maxSamples)
            {
                throw new InvalidDataException($"More than {maxSamples} samples (lines); at most {maxSamples} are read here.");
            }

            samples.Add(ParseLine(text, width, line));
        }

        return [.. samples];
    }

    /// <summary>Writes samples as CSV (round-trip precision, invariant culture, one <c>\n</c>-ended line per sample).</summary>
    /// <param name="samples">The samples; every value finite.</param>
    /// <returns>The UTF-8 bytes.</returns>
    /// <exception cref="ArgumentException">A sample is null or empty, or a value is not finite.</exception>
    public static byte[] Format(IReadOnlyList<double[]> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var text = new StringBuilder();
        foreach (double[] sample in samples)
        {
            if (sample is null || sample.Length == 0)
            {
                throw new ArgumentException("A sample is null or empty.", nameof(samples));
            }

            for (int i = 0; i < sample.Length; i++)
            {
                if (!double.IsFinite(sample[i]))
                {
                    throw new ArgumentException($"Value {sample[i]} is not finite.", nameof(samples));
                }

                text.Append(i == 0 ? "" : ",").Append(sample[i].ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static double[] ParseLine(ReadOnlySpan<byte> text, int width, int line)
    {
        var sample = new double[width];
        for (int i = 0; i < width; i++)
        {
            int comma = text.IndexOf((byte)',');
            ReadOnlySpan<byte> field = comma < 0 ? text : text[..comma];
            text = comma < 0 ? [] : text[(comma + 1)..];
            if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw new InvalidDataException($"Line {line}, value {i + 1}: '{Shown(field)}' is not a number.");
            }

            sample[i] = double.IsFinite(value)
                ? value
                : throw new InvalidDataException($"Line {line}, value {i + 1}: '{Shown(field)}' is not finite.");
        }

        return sample;
    }

    // The field as printable ASCII, at most 24 characters: a message never carries control characters or a megabyte of input.
    private static string Shown(ReadOnlySpan<byte> field)
    {
        ReadOnlySpan<byte> trimmed = field.Trim(" \t"u8);
        var shown = new StringBuilder();
        foreach (byte b in trimmed[..Math.Min(trimmed.Length, 24)])
        {
            shown.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return trimmed.Length > 24 ? shown.Append('…').ToString() : shown.ToString();
    }
}
