using Google.Protobuf;
using Onnx;

namespace Thestage.Models.Onnx;

/// <summary>
/// Imports an ONNX model (opsets 9–21 of the default domain) into the model IR (<see cref="Sequential"/>): MLPs and
/// small CNNs as exported by PyTorch and other frameworks, for plain evaluation, encrypted inference and proofs.
/// </summary>
/// <remarks>
/// <para>Operators (<see cref="SupportedOperators"/>): Gemm and MatMul (+ a bias Add) → Dense; Conv (group 1, one stride
/// for both axes, the same padding on every side) → Conv2d; AveragePool, GlobalAveragePool (square inputs) → AvgPool2d;
/// MaxPool → MaxPool2d; Flatten and a Reshape that flattens (static shape) → Flatten; Relu, Sigmoid, Tanh → exact
/// activations; Mul(x, x) and Pow(x, 2) → the square; BatchNormalization (inference) folded into the Conv, Gemm or MatMul
/// before it; Identity, Dropout and an all-zero Pad dropped; Constant nodes and initializers (raw_data or the typed fields) as weights.
/// The graph must be a chain from its one input to its one output; the input's first axis is the batch and is dropped.
/// Anything else is refused with an error naming the node, the operator and the opset.</para>
/// <para>The file is untrusted input: at most <see cref="MaxModelBytes"/> bytes, at most <see cref="MaxNodes"/> nodes,
/// every tensor's dimensions checked against the data it holds (at most 2^24 elements), every shape bounded, cycles and
/// branches refused. Every refusal is a <see cref="ModelFormatException"/>.</para>
/// </remarks>
public static class OnnxImporter
{
    /// <summary>The largest model file read, 256 MiB.</summary>
    public const int MaxModelBytes = 1 << 28;

    /// <summary>The most nodes (and the most initializers) of a graph.</summary>
    public const int MaxNodes = 1 << 16;

    /// <summary>The oldest opset of the default domain read.</summary>
    public const int MinOpset = 9;

    /// <summary>The newest opset of the default domain read.</summary>
    public const int MaxOpset = 21;

    /// <summary>The operators read, for messages.</summary>
    public const string SupportedOperators = "Gemm, MatMul, Add (as the bias of the layer before it), Conv, AveragePool, GlobalAveragePool, MaxPool, Flatten, Reshape (flattening, static shape), "
        + "Relu, Sigmoid, Tanh, Mul(x, x), Pow(x, 2), BatchNormalization (folded), Identity, Dropout, Pad (all zero), Constant";

    /// <summary>Imports a model from its bytes.</summary>
    /// <param name="model">The ONNX file's bytes.</param>
    /// <returns>The model, input shape without the batch axis.</returns>
    /// <exception cref="ModelFormatException">The bytes are not a valid ONNX model, or the model uses something the importer does not read.</exception>
    public static Sequential Import(ReadOnlySpan<byte> model)
    {
        if (model.Length > MaxModelBytes)
        {
            throw new ModelFormatException($"The model has {model.Length} bytes; at most {MaxModelBytes} are read.");
        }

        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(model);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"The file is not an ONNX model (protobuf: {e.Message}).", e);
        }

        return OnnxGraphReader.Read(proto);
    }

    /// <summary>Imports a model from a stream (read to its end, at most <see cref="MaxModelBytes"/> bytes).</summary>
    /// <param name="stream">The stream.</param>
    /// <exception cref="ModelFormatException">The bytes are not a valid ONNX model, the stream is longer than allowed, or the model uses something the importer does not read.</exception>
    public static Sequential Import(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using MemoryStream buffer = ReadBoundedAsync(stream, useAsync: false, CancellationToken.None).GetAwaiter().GetResult();
        return Import(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Imports a model from a stream with asynchronous reads (to its end, at most <see cref="MaxModelBytes"/> bytes); parsing is CPU work on the calling thread.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ModelFormatException">The bytes are not a valid ONNX model, the stream is longer than allowed, or the model uses something the importer does not read.</exception>
    public static async Task<Sequential> ImportAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using MemoryStream buffer = await ReadBoundedAsync(stream, useAsync: true, cancellationToken).ConfigureAwait(false);
        return Import(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>Imports a model file.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <exception cref="ModelFormatException">The file is not a valid ONNX model, is too large, or uses something the importer does not read.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static Sequential ImportFile(string path)
    {
        using FileStream file = OpenModelFile(path, useAsync: false);
        return Import(file);
    }

    /// <summary>Imports a model file with asynchronous reads.</summary>
    /// <param name="path">The .onnx file.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="ModelFormatException">The file is not a valid ONNX model, is too large, or uses something the importer does not read.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static async Task<Sequential> ImportFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using FileStream file = OpenModelFile(path, useAsync: true);
        return await ImportAsync(file, cancellationToken).ConfigureAwait(false);
    }

    private static FileStream OpenModelFile(string path, bool useAsync)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, useAsync);
        if (file.Length > MaxModelBytes)
        {
            file.Dispose();
            throw new ModelFormatException($"{path} has {file.Length} bytes; at most {MaxModelBytes} are read.");
        }

        return file;
    }

    /// <summary>Reads a stream to its end into memory, refusing it as soon as it passes <see cref="MaxModelBytes"/>.</summary>
    private static async ValueTask<MemoryStream> ReadBoundedAsync(Stream stream, bool useAsync, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[81920];
        int read;
        while ((read = useAsync ? await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false) : stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > MaxModelBytes)
            {
                buffer.Dispose();
                throw new ModelFormatException($"The model is longer than {MaxModelBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer;
    }
}
