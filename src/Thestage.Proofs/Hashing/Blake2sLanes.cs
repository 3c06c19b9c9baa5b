using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Thestage.Proofs.Hashing;

/// <summary>
/// 32-bit lane operations for hashing <see cref="Count"/> BLAKE2s messages at once (one message per lane):
/// <see cref="Vector512Blake2sLanes"/> (16 lanes, AVX-512F, rotations by <c>vprord</c>) and <see cref="Vector256Blake2sLanes"/>
/// (8 lanes, AVX2). Also the word conversions the Merkle message schedules need.
/// </summary>
/// <typeparam name="TV">The register type.</typeparam>
internal unsafe interface IBlake2sLanes<TV>
    where TV : unmanaged
{
    /// <summary>Gets the number of 32-bit lanes (messages hashed at once).</summary>
    static abstract int Count { get; }

    /// <summary>Gets a value indicating whether this width runs in hardware here.</summary>
    static abstract bool IsSupported { get; }

    static abstract TV Create(uint value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Xor(TV a, TV b);

    static abstract TV Or(TV a, TV b);

    static abstract TV ShiftLeft(TV a, int count);

    static abstract TV ShiftRightLogical(TV a, int count);

    /// <summary>Rotation right by a constant (16, 12, 8 or 7).</summary>
    static abstract TV RotateRight(TV a, [ConstantExpected] byte count);

    /// <summary>Lane l gets <c>source[l · stride]</c> (a gather).</summary>
    static abstract TV Gather(uint* source, int stride);

    /// <summary>The low 32 bits of <c>x_l &gt;&gt; shift</c> for the <see cref="Count"/> 64-bit words <c>x</c> at <paramref name="source"/>.</summary>
    static abstract TV NarrowShiftedRight(ref readonly ulong source, int shift);

    /// <summary>The low 32 bits of <c>x_l &lt;&lt; shift</c> for the <see cref="Count"/> 64-bit words at <paramref name="source"/>.</summary>
    static abstract TV NarrowShiftedLeft(ref readonly ulong source, int shift);

    /// <summary>Writes the lanes.</summary>
    static abstract void Store(TV value, uint* destination);
}

/// <summary>Sixteen lanes with AVX-512F.</summary>
internal readonly unsafe struct Vector512Blake2sLanes : IBlake2sLanes<Vector512<uint>>
{
    public static int Count => 16;

    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Create(uint value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Add(Vector512<uint> a, Vector512<uint> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Xor(Vector512<uint> a, Vector512<uint> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Or(Vector512<uint> a, Vector512<uint> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftLeft(Vector512<uint> a, int count) => Vector512.ShiftLeft(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> ShiftRightLogical(Vector512<uint> a, int count) => Vector512.ShiftRightLogical(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> RotateRight(Vector512<uint> a, [ConstantExpected] byte count) => Avx512F.RotateRight(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> Gather(uint* source, int stride)
    {
        // .NET has no AVX-512 gather: two AVX2 gathers of eight lanes.
        Vector256<int> indices = Vector256<int>.Indices * stride;
        return Vector512.Create(Avx2.GatherVector256(source, indices, 4), Avx2.GatherVector256(source + (8 * stride), indices, 4));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> NarrowShiftedRight(ref readonly ulong source, int shift) =>
        Vector512.Narrow(
            Vector512.ShiftRightLogical(Vector512.LoadUnsafe(in source), shift),
            Vector512.ShiftRightLogical(Vector512.LoadUnsafe(in Unsafe.Add(ref Unsafe.AsRef(in source), 8)), shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<uint> NarrowShiftedLeft(ref readonly ulong source, int shift) =>
        Vector512.Narrow(
            Vector512.ShiftLeft(Vector512.LoadUnsafe(in source), shift),
            Vector512.ShiftLeft(Vector512.LoadUnsafe(in Unsafe.Add(ref Unsafe.AsRef(in source), 8)), shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<uint> value, uint* destination) => value.Store(destination);
}

/// <summary>Eight lanes with AVX2 (rotations by shifts).</summary>
internal readonly unsafe struct Vector256Blake2sLanes : IBlake2sLanes<Vector256<uint>>
{
    public static int Count => 8;

    public static bool IsSupported => Vector256.IsHardwareAccelerated && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Create(uint value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Add(Vector256<uint> a, Vector256<uint> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Xor(Vector256<uint> a, Vector256<uint> b) => a ^ b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Or(Vector256<uint> a, Vector256<uint> b) => a | b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftLeft(Vector256<uint> a, int count) => Vector256.ShiftLeft(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> ShiftRightLogical(Vector256<uint> a, int count) => Vector256.ShiftRightLogical(a, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> RotateRight(Vector256<uint> a, [ConstantExpected] byte count) =>
        Vector256.ShiftRightLogical(a, count) | Vector256.ShiftLeft(a, 32 - count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> Gather(uint* source, int stride) =>
        Avx2.GatherVector256(source, Vector256<int>.Indices * stride, 4);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> NarrowShiftedRight(ref readonly ulong source, int shift) =>
        Vector256.Narrow(
            Vector256.ShiftRightLogical(Vector256.LoadUnsafe(in source), shift),
            Vector256.ShiftRightLogical(Vector256.LoadUnsafe(in Unsafe.Add(ref Unsafe.AsRef(in source), 4)), shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<uint> NarrowShiftedLeft(ref readonly ulong source, int shift) =>
        Vector256.Narrow(
            Vector256.ShiftLeft(Vector256.LoadUnsafe(in source), shift),
            Vector256.ShiftLeft(Vector256.LoadUnsafe(in Unsafe.Add(ref Unsafe.AsRef(in source), 4)), shift));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<uint> value, uint* destination) => value.Store(destination);
}
