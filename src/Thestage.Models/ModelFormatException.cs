namespace Thestage.Models;

/// <summary>
/// A model file, or a part of one, cannot be read: malformed, truncated or oversized bytes of the model formats
/// (the model, calibration and package formats), or a model an importer refuses (for ONNX: the node, the operator and the
/// opset are named). The only exception the readers throw for bad input.
/// </summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what is allowed.</param>
    public ModelFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what is allowed.</param>
    /// <param name="innerException">The cause.</param>
    public ModelFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
