using System.Runtime.CompilerServices;

namespace Thestage.Proofs.Fields;

/// <summary>
/// <see cref="GoldilocksExt2"/> arithmetic on registers of <see cref="IGoldilocksLanes{TV}"/> holding <c>Count / 2</c>
/// extension elements in their memory layout (<c>c0</c> in the even lane, <c>c1</c> in the odd lane of each pair).
/// </summary>
/// <remarks>
/// <c>(a0 + a1 X)(b0 + b1 X) = (a0 b0 + 7 a1 b1) + (a0 b1 + a1 b0) X</c>: <see cref="Multiply"/> forms the lane products
/// <c>[a0 b0, a1 b1]</c> and <c>[a0 b1, a1 b0]</c> (the second against the swapped pair), multiplies the odd lanes of the
/// first by 7 and adds the pairs across; a product by a fixed element <c>r</c> (<see cref="MultiplyByConstant"/>) needs
/// only <c>[a0 r0, a1 r0] + [a1 · 7 r1, a0 r1]</c> with both constant registers precomputed. Each output lane is the
/// canonical coefficient <see cref="GoldilocksExt2"/>'s operators return.
/// </remarks>
/// <typeparam name="TLanes">The lane arithmetic.</typeparam>
/// <typeparam name="TV">Its register type.</typeparam>
internal static class PackedExt2<TLanes, TV>
    where TLanes : struct, IGoldilocksLanes<TV>
    where TV : struct
{
    /// <summary>Gets the number of extension elements per register.</summary>
    public static int Count => TLanes.Count / 2;

    /// <summary>Every pair <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Create(GoldilocksExt2 value) => TLanes.CreatePairs(value.C0.Value, value.C1.Value);

    /// <summary>The two registers of <see cref="MultiplyByConstant"/> for <paramref name="value"/>: <c>[r0, r0]</c> and <c>[7 r1, r1]</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (TV Low, TV High) Constant(GoldilocksExt2 value) =>
        (TLanes.Create(value.C0.Value), TLanes.CreatePairs((new Goldilocks(GoldilocksExt2.NonResidue) * value.C1).Value, value.C1.Value));

    /// <summary>The product of two registers of extension elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Multiply(TV a, TV b)
    {
        TV straight = TLanes.Multiply(a, b);                    // [a0 b0, a1 b1]
        TV crossed = TLanes.Multiply(a, TLanes.SwapPairs(b));   // [a0 b1, a1 b0]
        TV scaled = TLanes.BlendPairs(straight, TLanes.MultiplyBySeven(straight)); // [a0 b0, 7 a1 b1]
        return TLanes.Add(TLanes.BlendPairs(scaled, crossed), TLanes.SwapPairs(TLanes.BlendPairs(crossed, scaled)));
    }

    /// <summary>The product by the element whose <see cref="Constant"/> registers are given.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV MultiplyByConstant(TV a, TV low, TV high) =>
        TLanes.Add(TLanes.Multiply(a, low), TLanes.Multiply(TLanes.SwapPairs(a), high));

    /// <summary>The sum of the <see cref="Count"/> elements of a register.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static GoldilocksExt2 Sum(TV value)
    {
        Span<GoldilocksExt2> lanes = stackalloc GoldilocksExt2[Count];
        TLanes.Store(value, ref Unsafe.As<GoldilocksExt2, ulong>(ref lanes[0]));
        GoldilocksExt2 sum = lanes[0];
        for (int i = 1; i < lanes.Length; i++)
        {
            sum += lanes[i];
        }

        return sum;
    }

    /// <summary>Loads <see cref="Count"/> extension elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV Load(ref readonly GoldilocksExt2 source) => TLanes.Load(in Unsafe.As<GoldilocksExt2, ulong>(ref Unsafe.AsRef(in source)));

    /// <summary>Stores <see cref="Count"/> extension elements.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(TV value, ref GoldilocksExt2 destination) => TLanes.Store(value, ref Unsafe.As<GoldilocksExt2, ulong>(ref destination));

    /// <summary>Loads <see cref="Count"/> base elements, each as the pair <c>[x, x]</c> (a product with it is <see cref="GoldilocksExt2.MultiplyByBase"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TV LoadBase(ref readonly Goldilocks source) => TLanes.LoadDuplicated(in Unsafe.As<Goldilocks, ulong>(ref Unsafe.AsRef(in source)));
}
