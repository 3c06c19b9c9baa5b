using System.Runtime.Serialization;

namespace Thestage.Privacy.Serialization;

/// <summary>
/// Thrown by every <see cref="CkksSerializer"/> loader when the input is not a valid serialized object for the
/// given context: wrong magic, version or kind, a parameter fingerprint of another context, a size out of the
/// bounds the parameters allow, a truncated or corrupt payload, a coefficient not below its modulus, and so on.
/// The message says what was wrong. No other exception escapes a loader for bad data.
/// </summary>
public sealed class CkksFormatException : SerializationException
{
    /// <summary>Creates the exception with a message that says what was wrong.</summary>
    /// <param name="message">The message.</param>
    public CkksFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that revealed the problem.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The underlying exception (for example a decompression failure).</param>
    public CkksFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public CkksFormatException()
        : base("The data is not a valid serialized CKKS object.")
    {
    }
}
