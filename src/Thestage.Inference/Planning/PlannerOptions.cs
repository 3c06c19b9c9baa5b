using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tensors;

namespace Thestage.Inference.Planning;

/// <summary>What the planner is asked for.</summary>
public sealed record PlannerOptions
{
    /// <summary>
    /// Bits of precision wanted in the outputs; the scale gets 10 bits more for noise (default 16: scale 2^26). A target,
    /// not a guarantee: the error grows with depth and with the magnitudes inside the model — on the demo CNN (depth 5)
    /// the default gave max errors up to 1.4e-4 of the largest output, about 13 bits.
    /// </summary>
    public int PrecisionBits { get; init; } = 16;

    /// <summary>Bits above the scale that the largest intermediate value needs (|x| &lt; 2^bits); default 8.</summary>
    public int IntegerBits { get; init; } = 8;

    /// <summary>Row-major (one sample per ciphertext, latency) or batch (one sample per slot, throughput).</summary>
    public TensorPacking Packing { get; init; } = TensorPacking.RowMajor;

    /// <summary>The security level; 128-bit by default.</summary>
    public SecurityLevel SecurityLevel { get; init; } = SecurityLevel.Tc128;
}
