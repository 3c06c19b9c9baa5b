using System.Numerics;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

/// <summary>
/// A single-channel image encrypted in im2col layout, as TenSEAL's <c>im2col_encoding</c>: slot p·W′ + w holds the
/// pixel at kernel position p of window w, with W′ = 2^⌈log2 windows⌉ and the K² kernel positions padded to
/// K′ = 2^⌈log2 K²⌉ (K′·W′ ≤ N/2). A convolution with a plain kernel is then one plaintext product and log2 K′
/// rotate-and-adds, and its output is a <see cref="CkksVector"/> of the windows (row-major over the output grid).
/// </summary>
/// <remarks>
/// The client does the im2col rearrangement before encrypting, which the server cannot undo or check; for
/// multi-channel inputs and outputs that feed further layers, <see cref="LinearTransform.Conv2d"/> needs no special
/// encoding. Both compute the same cross-correlation (TorchSharp's Conv2d).
/// </remarks>
public sealed class Im2ColImage
{
    private readonly CkksVector _packed;
    private readonly int _windowPeriod, _positionPeriod;

    private Im2ColImage(CkksVector packed, int kernelSize, int outputHeight, int outputWidth, int windowPeriod, int positionPeriod)
    {
        _packed = packed;
        KernelSize = kernelSize;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        _windowPeriod = windowPeriod;
        _positionPeriod = positionPeriod;
    }

    /// <summary>K, the side of the kernels this encoding is for.</summary>
    public int KernelSize { get; }

    /// <summary>The output grid's height.</summary>
    public int OutputHeight { get; }

    /// <summary>The output grid's width.</summary>
    public int OutputWidth { get; }

    /// <summary>The number of windows (outputs per kernel).</summary>
    public int WindowCount => OutputHeight * OutputWidth;

    /// <summary>The data level.</summary>
    public int Level => _packed.Level;

    /// <summary>Rearranges and encrypts a row-major H × W image for K × K kernels with a stride and zero padding.</summary>
    /// <param name="tensors">The tensor context.</param>
    /// <param name="encryptor">An encryptor of the same CKKS context.</param>
    /// <param name="image">H·W row-major pixels.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="kernelSize">K.</param>
    /// <param name="stride">The stride.</param>
    /// <param name="padding">Zero padding on each side.</param>
    /// <exception cref="ArgumentException">The image size disagrees, or K′·W′ exceeds the slots.</exception>
    public static Im2ColImage Encrypt(TensorContext tensors, Encryptor encryptor, ReadOnlySpan<double> image, int height, int width, int kernelSize, int stride = 1, int padding = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(encryptor);
        if (image.Length != height * width)
        {
            throw new ArgumentException($"The image has {image.Length} pixels; {height} × {width} = {height * width} were declared.", nameof(image));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        int outH = LinearTransform.OutputSize(height, kernelSize, stride, padding), outW = LinearTransform.OutputSize(width, kernelSize, stride, padding);
        int windows = outH * outW;
        int windowPeriod = (int)BitOperations.RoundUpToPowerOf2((uint)windows);
        int positionPeriod = (int)BitOperations.RoundUpToPowerOf2((uint)(kernelSize * kernelSize));
        long needed = (long)windowPeriod * positionPeriod;
        if (needed > tensors.SlotCount)
        {
            throw new ArgumentException($"The im2col layout needs {positionPeriod} × {windowPeriod} = {needed} slots; the parameters give {tensors.SlotCount}.");
        }

        var slots = new double[(int)needed];
        for (int ky = 0; ky < kernelSize; ky++)
        {
            for (int kx = 0; kx < kernelSize; kx++)
            {
                int p = ky * kernelSize + kx;
                for (int oy = 0; oy < outH; oy++)
                {
                    for (int ox = 0; ox < outW; ox++)
                    {
                        int y = oy * stride - padding + ky, x = ox * stride - padding + kx;
                        if (y >= 0 && y < height && x >= 0 && x < width)
                        {
                            slots[p * windowPeriod + oy * outW + ox] = image[y * width + x];
                        }
                    }
                }
            }
        }

        // A vector of K′·W′ values has period K′·W′: the layout is replicated over all slots.
        CkksVector packed = CkksVector.Encrypt(tensors, encryptor, slots);
        return new Im2ColImage(packed, kernelSize, outH, outW, windowPeriod, positionPeriod);
    }

    /// <summary>The rotation steps of <see cref="Conv2d"/>: W′, 2W′, …, K′W′/2.</summary>
    public IReadOnlyList<int> RotationSteps
    {
        get
        {
            var steps = new List<int>();
            for (int step = _windowPeriod; step < _windowPeriod * _positionPeriod; step *= 2)
            {
                steps.Add(step);
            }

            return steps;
        }
    }

    /// <summary>Convolves with one plain K × K kernel and adds <paramref name="bias"/>: one level.</summary>
    /// <param name="kernel">K × K weights, [ky, kx].</param>
    /// <param name="bias">Added to every output.</param>
    /// <returns>The <see cref="WindowCount"/> outputs, row-major over the output grid.</returns>
    /// <exception cref="ArgumentException">The kernel is not K × K.</exception>
    public CkksVector Conv2d(double[,] kernel, double bias = 0)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.GetLength(0) != KernelSize || kernel.GetLength(1) != KernelSize)
        {
            throw new ArgumentException($"The kernel must be {KernelSize} × {KernelSize}.", nameof(kernel));
        }

        var weights = new double[_packed.Length];
        for (int ky = 0; ky < KernelSize; ky++)
        {
            for (int kx = 0; kx < KernelSize; kx++)
            {
                int p = ky * KernelSize + kx;
                weights.AsSpan(p * _windowPeriod, WindowCount).Fill(kernel[ky, kx]);
            }
        }

        TensorContext tc = _packed.TensorContext;
        Ciphertext product = _packed.Multiply(weights).Chunk(0);
        for (int step = _windowPeriod * _positionPeriod / 2; step >= _windowPeriod; step /= 2)
        {
            product = tc.Evaluator.Add(product, tc.Rotate(product, step));
        }

        // Every slot w + k·W′ now holds output w: a WindowCount-vector replicated at period W′.
        var result = new CkksVector(tc, WindowCount, [product], paddingIsZero: true);
        return bias == 0 ? result : result.Add(bias);
    }
}
