namespace Thestage.Proofs;

/// <summary>
/// Thrown by proof deserializers when bytes are not a well-formed proof (bad magic or version,
/// out-of-bound lengths, truncation, trailing bytes, non-canonical field elements).
/// </summary>
/// <remarks>
/// Deserializers throw only this type on malformed input; verifiers never throw on a malformed
/// proof object and report rejection instead.
/// </remarks>
public sealed class ProofFormatException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public ProofFormatException()
        : base("The proof bytes are malformed.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The reason.</param>
    public ProofFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and an inner exception.</summary>
    /// <param name="message">The reason.</param>
    /// <param name="innerException">The underlying error.</param>
    public ProofFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
