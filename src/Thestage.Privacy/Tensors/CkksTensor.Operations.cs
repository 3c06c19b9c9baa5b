using System.Numerics.Tensors;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tensors;

public sealed partial class CkksTensor
{
    /// <summary>Returns this + other (same shape and packing).</summary>
    /// <exception cref="ArgumentException">Shapes or packings differ.</exception>
    /// <exception cref="DepthExhaustedException">Both are at level 0 with different scales (see <see cref="CkksVector.Add(CkksVector)"/>).</exception>
    public CkksTensor Add(CkksTensor other) => Zip(other, (a, b) => a.Add(b), (a, b) => TensorContext.Add(a, b));

    /// <summary>Returns this − other (same shape and packing).</summary>
    /// <exception cref="ArgumentException">Shapes or packings differ.</exception>
    /// <exception cref="DepthExhaustedException">Both are at level 0 with different scales (see <see cref="CkksVector.Add(CkksVector)"/>).</exception>
    public CkksTensor Sub(CkksTensor other) => Zip(other, (a, b) => a.Sub(b), (a, b) => TensorContext.Add(a, b, subtract: true));

    /// <summary>Returns this ⊙ other, elementwise (one level).</summary>
    /// <exception cref="ArgumentException">Shapes or packings differ.</exception>
    public CkksTensor Multiply(CkksTensor other) => Zip(other, (a, b) => a.Multiply(b), (a, b) => TensorContext.Multiply(a, b));

    /// <summary>Returns this + plain values of the same shape.</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public CkksTensor Add(ReadOnlyTensorSpan<double> values) => PlainOp(values, multiply: false);

    /// <summary>Returns this ⊙ plain values of the same shape (one level).</summary>
    /// <exception cref="ArgumentException">The shape differs.</exception>
    public CkksTensor Multiply(ReadOnlyTensorSpan<double> values) => PlainOp(values, multiply: true);

    /// <summary>Returns this + c.</summary>
    public CkksTensor Add(double c) => Map(v => v.Add(c), ct => TensorContext.Evaluator.AddPlain(ct, TensorContext.Encoder.Encode(c, ct.Scale, ct.Level)));

    /// <summary>Returns c·this (one level).</summary>
    public CkksTensor Multiply(double c) => Map(v => v.Multiply(c), ct => TensorContext.MultiplyScalar(ct, c));

    /// <summary>Returns −this.</summary>
    public CkksTensor Negate() => Map(v => v.Negate(), ct => TensorContext.Evaluator.Negate(ct));

    /// <summary>Returns this ⊙ this (one level).</summary>
    public CkksTensor Square() => Map(v => v.Square(), ct => TensorContext.Multiply(ct, ct));

    /// <summary>Returns this^k elementwise (⌈log2 k⌉ levels).</summary>
    /// <param name="exponent">k ≥ 1.</param>
    public CkksTensor Power(int exponent) => MapVector(v => v.Power(exponent));

    /// <summary>p(this) elementwise at depth ⌈log2(deg + 1)⌉.</summary>
    /// <param name="polynomial">The polynomial.</param>
    public CkksTensor Polynomial(Polynomial polynomial) => MapVector(v => v.Polynomial(polynomial));

    /// <summary>The sum of all elements as a tensor of shape [1] (row-major) — one level when the sum is not a plain rotate-and-add.</summary>
    public CkksTensor Sum()
    {
        if (_rowMajor is not null)
        {
            return new CkksTensor(TensorContext, [1], _rowMajor.Sum(), null);
        }

        return Sum(0).Sum();
    }

    /// <summary>The sum along <paramref name="axis"/>; the axis is removed from the shape (kept as 1 when it was the only axis).</summary>
    /// <param name="axis">An axis of the shape.</param>
    /// <remarks>
    /// Row-major: a <see cref="LinearTransform"/> (one level). Batch packing: along axis 0 (the batch), log2 rotations
    /// per ciphertext and a gather into one row-major vector (one level, two when the batch is not a power of two);
    /// along another axis, ciphertext additions (no level).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">No such axis.</exception>
    public CkksTensor Sum(int axis)
    {
        if ((uint)axis >= (uint)_shape.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, $"The tensor has {_shape.Length} axes.");
        }

        int[] outShape = _shape.Length == 1 ? [1] : _shape.Where((_, i) => i != axis).ToArray();
        int inner = 1;
        for (int i = axis + 1; i < _shape.Length; i++)
        {
            inner *= _shape[i];
        }

        int size = _shape[axis];
        if (_rowMajor is not null)
        {
            int outLength = FlattenedLength / size;
            var transform = new LinearTransform(TensorContext, FlattenedLength, outLength, (i, j) => i / (inner * size) == j / inner && i % inner == j % inner ? 1 : 0);
            return new CkksTensor(TensorContext, outShape, transform.Apply(_rowMajor), null);
        }

        if (axis == 0)
        {
            var sums = new Ciphertext[_features!.Length];
            int period = CkksVector.PeriodFor(_shape[0], TensorContext.SlotCount);
            // Slots past the batch may hold a constant added earlier: mask them first unless the batch fills the period.
            double[]? batchMask = _shape[0] == period ? null : Enumerable.Repeat(1.0, _shape[0]).ToArray();
            for (int f = 0; f < sums.Length; f++)
            {
                Ciphertext total = batchMask is null ? _features[f] : new CkksVector(TensorContext, _shape[0], [_features[f]]).Multiply(batchMask).Chunk(0);
                for (int step = period / 2; step >= 1; step /= 2)
                {
                    total = TensorContext.Evaluator.Add(total, TensorContext.Rotate(total, step));
                }

                sums[f] = total;
            }

            // Each sum sits in every slot; gather them into one row-major vector with a 0/1 mask per feature.
            return new CkksTensor(TensorContext, outShape, Gather(sums), null);
        }

        // Batch packing, axis ≥ 1: feature index = (outer·size + k)·inner + rest over the non-batch axes.
        int fInner = inner, fSize = size, outFeatures = _features!.Length / size;
        var result = new Ciphertext[outFeatures];
        for (int o = 0; o < outFeatures; o++)
        {
            int outer = o / fInner, rest = o % fInner;
            Ciphertext total = _features[(outer * fSize) * fInner + rest];
            for (int k = 1; k < fSize; k++)
            {
                total = TensorContext.Add(total, _features[(outer * fSize + k) * fInner + rest]);
            }

            result[o] = total;
        }

        return new CkksTensor(TensorContext, outShape, null, result);
    }

    /// <summary>
    /// y = x·W along the last axis for a plain [n, m] matrix: row-major 1-D tensors through a <see cref="LinearTransform"/>
    /// (BSGS rotations), batch-packed [B, n] tensors through n·m scalar products (no rotations). One level.
    /// </summary>
    /// <param name="matrix">W, n × m.</param>
    /// <exception cref="ArgumentException">The shapes disagree (row-major needs a 1-D tensor; batch needs [B, n]).</exception>
    public CkksTensor MatMul(double[,] matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        int n = matrix.GetLength(0), m = matrix.GetLength(1);
        if (_rowMajor is not null)
        {
            if (_shape.Length != 1 || _shape[0] != n)
            {
                throw new ArgumentException($"Row-major MatMul takes a 1-D tensor of {n} values; the shape is [{string.Join(", ", _shape)}]. Flatten it first.", nameof(matrix));
            }

            return new CkksTensor(TensorContext, [m], _rowMajor.MatMul(matrix), null);
        }

        if (_shape.Length != 2 || _shape[1] != n)
        {
            throw new ArgumentException($"Batch MatMul takes a [batch, {n}] tensor; the shape is [{string.Join(", ", _shape)}].", nameof(matrix));
        }

        var product = new BatchMatMul(TensorContext, matrix, Level);
        product.Add(0, _features!);
        return product.Finish(_shape[0]);
    }

    /// <summary>
    /// A batched matrix product y = x·W whose input features arrive in blocks of consecutive rows (features read from a
    /// message a block at a time): each block's Σ_i x_i·W[i, j] is summed exactly per coefficient and reduced once, tile
    /// by tile (the evaluator's MultiplyConstantMatrix), and added modulo q to the running sums, which gives the
    /// words of the product over all features at once. The input ciphertexts need not exist all at the same time.
    /// </summary>
    internal sealed class BatchMatMul
    {
        private readonly TensorContext _tensors;
        private readonly double[,] _matrix;
        private readonly double _scale;
        private Ciphertext[]? _sums, _block;
        private int _rows;

        public BatchMatMul(TensorContext tensors, double[,] matrix, int level)
        {
            tensors.RequireLevels(level, tensors.AutoRescale ? 1 : 0, "A batched matrix product");
            _tensors = tensors;
            _matrix = matrix;
            _scale = tensors.PlainFactorScale(level);
        }

        /// <summary>Adds the features of rows [<paramref name="firstRow"/>, firstRow + block.Count), which follow the rows added before.</summary>
        public void Add(int firstRow, IReadOnlyList<Ciphertext> block)
        {
            if (firstRow != _rows || firstRow + block.Count > _matrix.GetLength(0))
            {
                throw new ArgumentException($"Rows from {firstRow} do not continue the {_rows} rows added so far within the matrix's {_matrix.GetLength(0)}.", nameof(firstRow));
            }

            double[,] rows = block.Count == _matrix.GetLength(0) ? _matrix : Rows(firstRow, block.Count);
            _rows += block.Count;
            if (_sums is null)
            {
                _sums = _tensors.Evaluator.MultiplyConstantMatrix(block, rows, _scale);
                return;
            }

            _block = _tensors.Evaluator.MultiplyConstantMatrix(block, rows, _scale, _block);
            Ciphertext[] sums = _sums, partial = _block;
            Parallel.For(0, sums.Length, PrivacyRuntime.ParallelOptions, j => _tensors.Evaluator.AddInplace(sums[j], partial[j]));
        }

        /// <summary>The product of <paramref name="batch"/> samples, rescaled when the context rescales automatically.</summary>
        public CkksTensor Finish(int batch)
        {
            if (_sums is null || _rows != _matrix.GetLength(0))
            {
                throw new InvalidOperationException($"The product has {_rows} of the matrix's {_matrix.GetLength(0)} rows.");
            }

            Ciphertext[] outputs = _sums;
            if (_tensors.AutoRescale)
            {
                Parallel.For(0, outputs.Length, PrivacyRuntime.ParallelOptions, j => _tensors.Evaluator.RescaleToNextInplace(outputs[j]));
            }

            _block = null;
            return new CkksTensor(_tensors, [batch, outputs.Length], null, outputs);
        }

        private double[,] Rows(int first, int count)
        {
            int m = _matrix.GetLength(1);
            var rows = new double[count, m];
            for (int i = 0; i < count; i++)
            {
                for (int j = 0; j < m; j++)
                {
                    rows[i, j] = _matrix[first + i, j];
                }
            }

            return rows;
        }
    }

    /// <summary>Applies a linear transform to a row-major tensor, giving a tensor of <paramref name="outputShape"/>.</summary>
    /// <param name="transform">The transform (input length = this tensor's size).</param>
    /// <param name="outputShape">A shape with the transform's output length.</param>
    /// <exception cref="InvalidOperationException">The tensor is batch-packed.</exception>
    public CkksTensor Apply(LinearTransform transform, ReadOnlySpan<int> outputShape)
    {
        ArgumentNullException.ThrowIfNull(transform);
        int[] shape = CheckShape(outputShape, transform.OutputLength);
        return new CkksTensor(TensorContext, shape, transform.Apply(AsVector()), null);
    }

    private CkksVector Gather(Ciphertext[] replicated)
    {
        // Slot f of the result takes feature f's sum: Σ_f mask_f ⊙ sum_f (one level).
        int count = replicated.Length;
        Ciphertext? total = null;
        var mask = new double[TensorContext.SlotCount];
        int period = CkksVector.PeriodFor(count, TensorContext.SlotCount);
        for (int f = 0; f < count; f++)
        {
            Array.Clear(mask);
            for (int start = 0; start < mask.Length; start += period)
            {
                mask[start + f] = 1;
            }

            Ciphertext term = TensorContext.Evaluator.MultiplyPlain(replicated[f], TensorContext.Encoder.Encode(mask, TensorContext.PlainFactorScale(replicated[f].Level), replicated[f].Level));
            total = total is null ? term : TensorContext.Evaluator.Add(total, term);
        }

        if (TensorContext.AutoRescale)
        {
            total = TensorContext.Evaluator.RescaleToNext(total!);
        }

        return new CkksVector(TensorContext, count, [total!]);
    }

    private CkksTensor PlainOp(ReadOnlyTensorSpan<double> values, bool multiply)
    {
        int[] shape = ShapeOf(values.Lengths);
        if (!shape.AsSpan().SequenceEqual(_shape))
        {
            throw new ArgumentException($"The plain tensor's shape [{string.Join(", ", shape)}] differs from [{string.Join(", ", _shape)}].", nameof(values));
        }

        var flat = new double[FlattenedLength];
        values.FlattenTo(flat);
        if (_rowMajor is not null)
        {
            return new CkksTensor(TensorContext, _shape, multiply ? _rowMajor.Multiply(flat) : _rowMajor.Add(flat), null);
        }

        int batch = _shape[0], features = _features!.Length;
        var result = new Ciphertext[features];
        var column = new double[batch];
        var slots = new double[TensorContext.SlotCount];
        int period = CkksVector.PeriodFor(batch, TensorContext.SlotCount);
        for (int f = 0; f < features; f++)
        {
            for (int b = 0; b < batch; b++)
            {
                column[b] = flat[b * features + f];
            }

            CkksVector.Pack(column, period, slots);
            Ciphertext ct = _features[f];
            result[f] = multiply
                ? TensorContext.MultiplyPlain(ct, slots)
                : TensorContext.Evaluator.AddPlain(ct, TensorContext.Encoder.Encode(slots, ct.Scale, ct.Level));
        }

        return new CkksTensor(TensorContext, _shape, null, result);
    }

    private CkksTensor Zip(CkksTensor other, Func<CkksVector, CkksVector, CkksVector> vectorOp, Func<Ciphertext, Ciphertext, Ciphertext> featureOp)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!other._shape.AsSpan().SequenceEqual(_shape) || other.Packing != Packing)
        {
            throw new ArgumentException($"Shapes or packings differ: [{string.Join(", ", _shape)}] {Packing} and [{string.Join(", ", other._shape)}] {other.Packing}.", nameof(other));
        }

        if (_rowMajor is not null)
        {
            return new CkksTensor(TensorContext, _shape, vectorOp(_rowMajor, other._rowMajor!), null);
        }

        var result = new Ciphertext[_features!.Length];
        for (int f = 0; f < result.Length; f++)
        {
            result[f] = featureOp(_features[f], other._features![f]);
        }

        return new CkksTensor(TensorContext, _shape, null, result);
    }

    private CkksTensor Map(Func<CkksVector, CkksVector> vectorOp, Func<Ciphertext, Ciphertext> featureOp)
    {
        if (_rowMajor is not null)
        {
            return new CkksTensor(TensorContext, _shape, vectorOp(_rowMajor), null);
        }

        var result = new Ciphertext[_features!.Length];
        Parallel.For(0, result.Length, PrivacyRuntime.ParallelOptions, f => result[f] = featureOp(_features[f]));
        return new CkksTensor(TensorContext, _shape, null, result);
    }

    // Power and polynomials run per ciphertext: in batch packing, through one-ciphertext vectors of the batch.
    private CkksTensor MapVector(Func<CkksVector, CkksVector> op)
    {
        if (_rowMajor is not null)
        {
            return new CkksTensor(TensorContext, _shape, op(_rowMajor), null);
        }

        var result = new Ciphertext[_features!.Length];
        int batch = _shape[0];
        Parallel.For(0, result.Length, PrivacyRuntime.ParallelOptions, f => result[f] = op(new CkksVector(TensorContext, batch, [_features[f]])).Chunk(0));
        return new CkksTensor(TensorContext, _shape, null, result);
    }
}
