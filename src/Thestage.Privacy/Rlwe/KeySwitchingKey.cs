namespace Thestage.Privacy.Rlwe;

/// <summary>
/// A hybrid key-switching key from s′ to s with one special prime P (SEAL's <c>KSwitchKeys</c> entry):
/// for each data prime q_j, an encryption under s at the key level of P·s′·ẽ_j, where ẽ_j is the CRT
/// idempotent (≡ 1 mod q_j, ≡ 0 mod the other primes and P).
/// </summary>
/// <remarks>
/// Switching c·s′ at level ℓ: Σ_j [c]_(q_j)·key_j ≡ P·c·s′ + Σ_j [c]_(q_j)·e_j (mod P·Q_ℓ); dividing by P
/// leaves c·s′ plus an error ≈ (ℓ+1)·N·q·σ/P + rounding (Gentry–Halevi–Smart, CRYPTO 2012, §3.1;
/// Cheon–Han–Kim–Kim–Song, SAC 2018, "A full RNS variant of approximate homomorphic encryption").
/// </remarks>
internal sealed class KeySwitchingKey
{
    public KeySwitchingKey(ulong[][] components, byte[][]? seeds)
    {
        Components = components;
        Seeds = seeds;
    }

    /// <summary>
    /// Component j: two key-level polynomials (b_j, a_j), NTT form, each an array from <see cref="AllocateComponent"/>
    /// (on the pinned object heap, so the key-switching kernel reads them by address without pinning them per call).
    /// </summary>
    public ulong[][] Components { get; }

    /// <summary>A component array of <paramref name="length"/> words that never moves (pinned object heap); zeroed or not.</summary>
    public static ulong[] AllocateComponent(int length, bool zeroed)
        => zeroed ? GC.AllocateArray<ulong>(length, pinned: true) : GC.AllocateUninitializedArray<ulong>(length, pinned: true);

    /// <summary>The address of word <paramref name="offset"/> of component <paramref name="j"/> (stable: see <see cref="Components"/>).</summary>
    public unsafe ulong* Address(int j, int offset)
        => (ulong*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(Components[j])) + offset;

    /// <summary>The seed of each a_j; null when the key was loaded without them.</summary>
    public byte[][]? Seeds { get; }
}
