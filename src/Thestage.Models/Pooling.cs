namespace Thestage.Models;

/// <summary>The window loop both pooling layers share.</summary>
internal static class Pooling
{
    /// <summary>
    /// For every channel and output position, the sum (or, with <paramref name="maximum"/>, the largest) of the K × K
    /// window of a [C, H, W] input at that position times the stride.
    /// </summary>
    public static double[] Reduce(ReadOnlySpan<double> input, Shape inputShape, Shape output, int k, int stride, bool maximum)
    {
        int h = inputShape[1], w = inputShape[2], oh = output[1], ow = output[2];
        var y = new double[output.Size];
        for (int c = 0; c < output[0]; c++)
        {
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double acc = maximum ? double.NegativeInfinity : 0;
                    for (int dy = 0; dy < k; dy++)
                    {
                        ReadOnlySpan<double> row = input.Slice((c * h + oy * stride + dy) * w + ox * stride, k);
                        foreach (double v in row)
                        {
                            acc = maximum ? Math.Max(acc, v) : acc + v;
                        }
                    }

                    y[(c * oh + oy) * ow + ox] = acc;
                }
            }
        }

        return y;
    }
}
