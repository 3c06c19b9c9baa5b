using Thestage.Models;

namespace Thestage.Proofs.Quantization;

/// <summary>Index enumeration for convolution and pooling windows, shared by the evaluators and the prover.</summary>
internal static class ConvolutionTaps
{
    /// <summary>
    /// Enumerates, for output <c>(co, oy, ox)</c>, the pairs (weight index in <c>out × in × kh × kw</c>, input index in
    /// <c>C × H × W</c>) of the taps that fall inside the input (zero padding contributes nothing).
    /// </summary>
    public static IEnumerable<(int Weight, int Input)> Enumerate(Shape input, int kernelHeight, int kernelWidth, int stride, int padding, int co, int oy, int ox)
    {
        for (int ci = 0; ci < input.Channels; ci++)
        {
            for (int ky = 0; ky < kernelHeight; ky++)
            {
                int iy = (oy * stride) + ky - padding;
                if (iy < 0 || iy >= input.Height)
                {
                    continue;
                }

                for (int kx = 0; kx < kernelWidth; kx++)
                {
                    int ix = (ox * stride) + kx - padding;
                    if (ix < 0 || ix >= input.Width)
                    {
                        continue;
                    }

                    int weight = (((((co * input.Channels) + ci) * kernelHeight) + ky) * kernelWidth) + kx;
                    yield return (weight, (((ci * input.Height) + iy) * input.Width) + ix);
                }
            }
        }
    }

    /// <summary>Enumerates the input indices of the pooling window of output <c>(c, oy, ox)</c> (stride = window).</summary>
    public static IEnumerable<int> Window(Shape input, int kernelHeight, int kernelWidth, int c, int oy, int ox)
    {
        for (int ky = 0; ky < kernelHeight; ky++)
        {
            for (int kx = 0; kx < kernelWidth; kx++)
            {
                yield return (((c * input.Height) + (oy * kernelHeight) + ky) * input.Width) + (ox * kernelWidth) + kx;
            }
        }
    }
}
