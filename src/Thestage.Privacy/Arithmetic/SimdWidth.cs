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
