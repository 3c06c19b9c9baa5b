namespace Thestage.Privacy.Tensors;

public sealed partial class CkksVector
{
    /// <summary>y = x·M for a plain n × m matrix (n = <see cref="Length"/>, m ≤ N/2), in one level.</summary>
    /// <param name="matrix">M with <see cref="Length"/> rows.</param>
    /// <exception cref="ArgumentException">The row count differs from the length, or m &gt; N/2.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    /// <remarks>Builds a <see cref="LinearTransform"/> for this call; build one yourself to reuse its encoded diagonals.</remarks>
    public CkksVector MatMul(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(0) != Length)
        {
            throw new ArgumentException($"The matrix has {matrix.GetLength(0)} rows; the vector has {Length} values (y = x·M).", nameof(matrix));
        }

        return LinearTransform.FromMatrix(TensorContext, matrix).Apply(this);
    }

    /// <summary>y = M·x for a plain m × n matrix (n = <see cref="Length"/>), in one level.</summary>
    /// <param name="matrix">M with <see cref="Length"/> columns.</param>
    /// <exception cref="ArgumentException">The column count differs from the length, or m &gt; N/2.</exception>
    /// <exception cref="DepthExhaustedException">No level left.</exception>
    public CkksVector MatMulLeft(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.GetLength(1) != Length)
        {
            throw new ArgumentException($"The matrix has {matrix.GetLength(1)} columns; the vector has {Length} values (y = M·x).", nameof(matrix));
        }

        return LinearTransform.FromMatrixLeft(TensorContext, matrix).Apply(this);
    }

    /// <summary>Applies a prepared linear transform (see <see cref="LinearTransform.Apply"/>).</summary>
    /// <param name="transform">The transform.</param>
    public CkksVector MatMul(LinearTransform transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return transform.Apply(this);
    }
}
