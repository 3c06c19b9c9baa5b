namespace Thestage.Privacy.Arithmetic;

/// <summary>The register width a kernel runs at: every width computes the same words (see <see cref="IWordLanes{TV}"/>).</summary>
internal enum SimdWidth
{
    /// <summary>One 64-bit word at a time (<see cref="ScalarLanes"/>).</summary>
    Scalar,

    /// <summary>Four words, AVX2 (<see cref="Vector256Lanes"/>).</summary>
    Vector256,

    /// <summary>Eight words, AVX-512F/DQ (<see cref="Vector512Lanes"/>).</summary>
    Vector512,
}

/// <summary>The butterfly arithmetic of an NTT kernel (see <see cref="INttArithmetic{TSelf, TV}"/>).</summary>
internal enum NttArithmeticKind
{
    /// <summary>Shoup's product in 64-bit words (<see cref="IntegerShoup{TV, TL}"/>), any q &lt; 2^61.</summary>
    Integer,

    /// <summary>Shoup's product in double precision (<see cref="DoubleShoup{TV, TL}"/>), q &lt; 2^50.</summary>
    Double,

    /// <summary>Shoup's product with a truncated quotient, lazily in [0, 4q) (<see cref="TruncatedShoup{TV, TL}"/>), q &lt; 2^60.</summary>
    Truncated,
}
