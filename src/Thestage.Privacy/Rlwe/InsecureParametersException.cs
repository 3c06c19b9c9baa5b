namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Thrown when parameters do not reach the requested security level of the HomomorphicEncryption.org standard.
/// </summary>
public sealed class InsecureParametersException : ArgumentException
{
    /// <summary>Creates the exception with a message that states the limit.</summary>
    public InsecureParametersException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public InsecureParametersException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public InsecureParametersException()
        : base("The parameters are insecure.")
    {
    }
}
