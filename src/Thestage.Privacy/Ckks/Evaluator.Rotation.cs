using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Ckks;

public sealed partial class Evaluator
{
    /// <summary>
    /// Returns a with its slots rotated left by <paramref name="steps"/> (right when negative):
    /// result[i] = x[(i + steps) mod N/2], as SEAL's <c>rotate_vector</c>.
    /// </summary>
    /// <remarks>
    /// Uses the Galois key of 3^steps mod 2N (SEAL's element) when present; otherwise composes the rotation from the non-adjacent form of
    /// the step (signed powers of two), one key switch per nonzero digit, as SEAL does.
    /// </remarks>
    /// <exception cref="ArgumentException">The ciphertext is not of size 2, or the keys belong to another context.</exception>
    /// <exception cref="InvalidOperationException">A needed Galois key is missing.</exception>
    public Ciphertext RotateVector(Ciphertext a, int steps, GaloisKeys galoisKeys)
    {
        CheckCiphertext(a, nameof(a));
        CheckGaloisKeys(galoisKeys);
        CheckSize(a, 2, "Rotation", nameof(a));
        int slots = _context.SlotCount;
        int s = ((steps % slots) + slots) % slots;
        if (s > slots / 2)
        {
            s -= slots;
        }

        if (s == 0)
        {
            return new Ciphertext(a);
        }

        ulong element = _context.Galois.ElementForStep(s);
        if (galoisKeys.HasKey(element))
        {
            return ApplyGalois(a, element, galoisKeys);
        }

        Ciphertext current = a;
        foreach (int digit in NonAdjacentForm(s))
        {
            ulong e = _context.Galois.ElementForStep(digit);
            if (!galoisKeys.HasKey(e))
            {
                throw new InvalidOperationException($"No Galois key for rotation by {steps}: neither the step itself nor the power-of-two step {digit} of its decomposition has a key. Create keys for these steps.");
            }
        }

        foreach (int digit in NonAdjacentForm(s))
        {
            current = ApplyGalois(current, _context.Galois.ElementForStep(digit), galoisKeys);
        }

        return current;
    }

    /// <summary>a ← a rotated left by <paramref name="steps"/>.</summary>
    /// <exception cref="InvalidOperationException">A needed Galois key is missing.</exception>
    public void RotateVectorInplace(Ciphertext a, int steps, GaloisKeys galoisKeys) => a.Assign(RotateVector(a, steps, galoisKeys));

    /// <summary>Returns the complex conjugate of every slot (Galois element 2N − 1).</summary>
    /// <exception cref="InvalidOperationException">The conjugation key is missing.</exception>
    public Ciphertext Conjugate(Ciphertext a, GaloisKeys galoisKeys)
    {
        CheckCiphertext(a, nameof(a));
        CheckGaloisKeys(galoisKeys);
        CheckSize(a, 2, "Conjugation", nameof(a));
        ulong element = _context.Galois.ConjugationElement;
        if (!galoisKeys.HasKey(element))
        {
            throw new InvalidOperationException("No Galois key for conjugation: create it with KeyGenerator.CreateGaloisKeys() or with includeConjugation: true.");
        }

        return ApplyGalois(a, element, galoisKeys);
    }

    /// <summary>a ← conjugate of a.</summary>
    /// <exception cref="InvalidOperationException">The conjugation key is missing.</exception>
    public void ConjugateInplace(Ciphertext a, GaloisKeys galoisKeys) => a.Assign(Conjugate(a, galoisKeys));

    /// <summary>Returns σ_g(a) key-switched back to s: (σ_g(c₀), 0) + KeySwitch(σ_g(c₁): σ_g(s) → s).</summary>
    /// <exception cref="InvalidOperationException">No key for <paramref name="galoisElement"/>.</exception>
    public Ciphertext ApplyGalois(Ciphertext a, ulong galoisElement, GaloisKeys galoisKeys)
    {
        CheckCiphertext(a, nameof(a));
        CheckGaloisKeys(galoisKeys);
        CheckSize(a, 2, "A Galois automorphism", nameof(a));
        if (!galoisKeys.TryGet(galoisElement, out KeySwitchingKey key))
        {
            throw new InvalidOperationException($"No Galois key for element {galoisElement}.");
        }

        int n = _context.N, limbs = a.LimbCount, polyLength = limbs * n;
        var result = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
        using var permuted = Rings.PooledArray<ulong>.Rent(polyLength, sensitive: false);
        ulong[] c1 = permuted.Array;
        Rings.Parallelism.For(limbs, 2 * n, i =>
        {
            _context.Galois.ApplyNtt(a.Limb(0, i), galoisElement, result.Limb(0, i));
            _context.Galois.ApplyNtt(a.Limb(1, i), galoisElement, c1.AsSpan(i * n, n));
        });
        // (σ(c₀), 0) + KeySwitch(σ(c₁)): u₀ is added to σ(c₀), u₁ written over the uninitialized c₁.
        KeySwitching.SwitchKey(_context, permuted.Span, a.Level, key, result.Data.AsMemory(0, 2 * polyLength), accumulatePolys: 1);
        return result;
    }

    /// <summary>
    /// Rotations of one ciphertext by several steps with the key-switching decomposition shared (hoisting,
    /// Halevi–Shoup, CRYPTO 2018): the inverse NTTs and digit lifts run once instead of once per step. Steps without
    /// an exact Galois key are rotated one by one (<see cref="RotateVector"/>); step 0 returns a copy.
    /// </summary>
    /// <param name="a">A ciphertext of size 2.</param>
    /// <param name="steps">The steps.</param>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <returns>The rotations, in the order of <paramref name="steps"/>.</returns>
    /// <exception cref="InvalidOperationException">A needed Galois key is missing.</exception>
    public Ciphertext[] RotateVectorHoisted(Ciphertext a, IReadOnlyList<int> steps, GaloisKeys galoisKeys)
    {
        CheckCiphertext(a, nameof(a));
        CheckGaloisKeys(galoisKeys);
        ArgumentNullException.ThrowIfNull(steps);
        CheckSize(a, 2, "Rotation", nameof(a));
        var result = new Ciphertext[steps.Count];
        int n = _context.N, limbs = a.LimbCount, polyLength = limbs * n;
        Rings.PooledArray<ulong>? digits = null;
        try
        {
            for (int i = 0; i < steps.Count; i++)
            {
                int slots = _context.SlotCount;
                int s = ((steps[i] % slots) + slots) % slots;
                ulong element = _context.Galois.ElementForStep(s);
                if (s == 0 || !galoisKeys.TryGet(element, out KeySwitchingKey key))
                {
                    result[i] = RotateVector(a, steps[i], galoisKeys);
                    continue;
                }

                digits ??= KeySwitching.Decompose(_context, a.Poly(1), a.Level);
                var rotated = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
                Rings.Parallelism.For(limbs, n, l => _context.Galois.ApplyNtt(a.Limb(0, l), element, rotated.Limb(0, l)));
                KeySwitching.InnerProduct(_context, digits.Value.Array, a.Level, key, _context.Galois.NttPermutation(element), rotated.Data.AsMemory(0, 2 * polyLength), accumulatePolys: 1);
                result[i] = rotated;
            }
        }
        finally
        {
            digits?.Dispose();
        }

        return result;
    }

    /// <summary>The non-adjacent form of a nonzero integer: signed powers of two, no two adjacent.</summary>
    internal static List<int> NonAdjacentForm(int value)
    {
        var digits = new List<int>();
        long v = value;
        int bit = 0;
        while (v != 0)
        {
            if ((v & 1) != 0)
            {
                long z = 2 - (((v % 4) + 4) % 4); // +1 when v ≡ 1 (mod 4), −1 when v ≡ 3
                digits.Add((int)(z << bit));
                v -= z;
            }

            v >>= 1;
            bit++;
        }

        return digits;
    }

    private void CheckGaloisKeys(GaloisKeys galoisKeys)
    {
        ArgumentNullException.ThrowIfNull(galoisKeys);
        if (!ReferenceEquals(galoisKeys.Context, _context))
        {
            throw new ArgumentException("The Galois keys belong to another context.", nameof(galoisKeys));
        }
    }
}
