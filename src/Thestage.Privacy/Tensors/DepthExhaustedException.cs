namespace Thestage.Privacy.Tensors;

/// <summary>
/// Thrown when an operation needs more multiplicative depth than the ciphertext's remaining modulus chain gives.
/// </summary>
public sealed class DepthExhaustedException : InvalidOperationException
{
    /// <summary>Creates the exception for an operation that needs <paramref name="neededDepth"/> levels where <paramref name="availableDepth"/> remain.</summary>
    /// <param name="neededDepth">The levels the operation consumes.</param>
    /// <param name="availableDepth">The levels the operand has left.</param>
    /// <param name="operation">What was attempted.</param>
    public DepthExhaustedException(int neededDepth, int availableDepth, string operation)
        : base($"{operation} needs depth {neededDepth}, the parameters give {availableDepth} at this point of the modulus chain. Choose parameters with more primes (or fewer multiplications before this step).")
    {
        NeededDepth = neededDepth;
        AvailableDepth = availableDepth;
    }

    /// <summary>Creates the exception with a message.</summary>
    public DepthExhaustedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public DepthExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public DepthExhaustedException()
        : base("The modulus chain is exhausted.")
    {
    }

    /// <summary>The levels the operation consumes.</summary>
    public int NeededDepth { get; }

    /// <summary>The levels that remained.</summary>
    public int AvailableDepth { get; }
}
