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
        var result = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
        RotateVector(a, steps, galoisKeys, result);
        return result;
    }

    /// <summary>
    /// destination ← a with its slots rotated left by <paramref name="steps"/> (right when negative), as
    /// <see cref="RotateVector(Ciphertext, int, GaloisKeys)"/>, reusing destination's buffer when it has room (SEAL's
    /// <c>rotate_vector(encrypted, steps, galois_keys, destination)</c>). The destination may be a itself.
    /// </summary>
    /// <param name="a">A ciphertext of size 2.</param>
    /// <param name="steps">Positive: left; negative: right.</param>
    /// <param name="galoisKeys">The Galois keys.</param>
    /// <param name="destination">Receives the rotation (any size and level before).</param>
    /// <exception cref="ArgumentException">The ciphertext is not of size 2, or a ciphertext or the keys belong to another context.</exception>
    /// <exception cref="InvalidOperationException">A needed Galois key is missing.</exception>
    public void RotateVector(Ciphertext a, int steps, GaloisKeys galoisKeys, Ciphertext destination)
    {
        CheckCiphertext(a, nameof(a));
        CheckCiphertext(destination, nameof(destination));
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
            CopyInto(a, destination);
            return;
        }

        if (galoisKeys.TryGet(_context.Galois.ElementForStep(s), out KeySwitchingKey exact))
        {
            ApplyGaloisInto(a, _context.Galois.ElementForStep(s), exact, destination);
            return;
        }

        List<int> digits = NonAdjacentForm(s);
        foreach (int digit in digits)
        {
            if (!galoisKeys.HasKey(_context.Galois.ElementForStep(digit)))
            {
                throw new InvalidOperationException($"No Galois key for rotation by {steps}: neither the step itself nor the power-of-two step {digit} of its decomposition has a key. Create keys for these steps.");
            }
        }

        Ciphertext current = a;
        foreach (int digit in digits)
        {
            ulong e = _context.Galois.ElementForStep(digit);
            galoisKeys.TryGet(e, out KeySwitchingKey key);
            ApplyGaloisInto(current, e, key, destination);
            current = destination;
        }
    }

    /// <summary>a ← a rotated left by <paramref name="steps"/>, in a's own buffer.</summary>
    /// <exception cref="InvalidOperationException">A needed Galois key is missing.</exception>
    public void RotateVectorInplace(Ciphertext a, int steps, GaloisKeys galoisKeys) => RotateVector(a, steps, galoisKeys, a);

    /// <summary>Returns the complex conjugate of every slot (Galois element 2N − 1).</summary>
    /// <exception cref="InvalidOperationException">The conjugation key is missing.</exception>
    public Ciphertext Conjugate(Ciphertext a, GaloisKeys galoisKeys)
    {
        CheckCiphertext(a, nameof(a));
        var result = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
        ConjugateInto(a, galoisKeys, result);
        return result;
    }

    /// <summary>a ← conjugate of a, in a's own buffer.</summary>
    /// <exception cref="InvalidOperationException">The conjugation key is missing.</exception>
    public void ConjugateInplace(Ciphertext a, GaloisKeys galoisKeys) => ConjugateInto(a, galoisKeys, a);

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

        var result = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
        ApplyGaloisInto(a, galoisElement, key, result);
        return result;
    }

    private void ConjugateInto(Ciphertext a, GaloisKeys galoisKeys, Ciphertext destination)
    {
        CheckCiphertext(a, nameof(a));
        CheckGaloisKeys(galoisKeys);
        CheckSize(a, 2, "Conjugation", nameof(a));
        ulong element = _context.Galois.ConjugationElement;
        if (!galoisKeys.TryGet(element, out KeySwitchingKey key))
        {
            throw new InvalidOperationException("No Galois key for conjugation: create it with KeyGenerator.CreateGaloisKeys() or with includeConjugation: true.");
        }

        ApplyGaloisInto(a, element, key, destination);
    }

    // destination ← (σ_g(c₀), 0) + KeySwitch(σ_g(c₁)); destination may be a. Scratch: σ_g(c₁), and σ_g(c₀) when in place.
    private void ApplyGaloisInto(Ciphertext a, ulong galoisElement, KeySwitchingKey key, Ciphertext destination)
    {
        int n = _context.N, limbs = a.LimbCount, polyLength = limbs * n, level = a.Level;
        double scale = a.Scale;
        bool inPlace = ReferenceEquals(a, destination);
        using var permuted = Rings.PooledArray<ulong>.Rent(polyLength, sensitive: false);
        using var rotatedC0 = inPlace ? Rings.PooledArray<ulong>.Rent(polyLength, sensitive: false) : default;
        if (!inPlace)
        {
            destination.Resize(2, level);
        }

        ulong[] c1 = permuted.Array, c0 = inPlace ? rotatedC0.Array : destination.Data;
        Rings.Parallelism.For(limbs, 2 * n, i =>
        {
            _context.Galois.ApplyNtt(a.Limb(0, i), galoisElement, c0.AsSpan(i * n, n));
            _context.Galois.ApplyNtt(a.Limb(1, i), galoisElement, c1.AsSpan(i * n, n));
        });
        if (inPlace)
        {
            rotatedC0.Span.CopyTo(destination.Data);
        }

        // u₀ is added to σ(c₀); u₁ is written over c₁.
        KeySwitching.SwitchKey(_context, permuted.Span, level, key, destination.Data.AsMemory(0, 2 * polyLength), accumulatePolys: 1);
        destination.SetScale(scale);
        destination.Seed = null;
    }

    private static void CopyInto(Ciphertext a, Ciphertext destination)
    {
        if (ReferenceEquals(a, destination))
        {
            return;
        }

        destination.Resize(a.Size, a.Level);
        a.Data.AsSpan(0, a.Length).CopyTo(destination.Data);
        destination.SetScale(a.Scale);
        destination.Seed = a.Seed is null ? null : (byte[])a.Seed.Clone();
    }

    /// <summary>
    /// Rotations of one ciphertext by several steps with the key-switching decomposition shared (hoisting,
    /// Halevi–Shoup, CRYPTO 2018): the inverse NTTs and digit lifts run once instead of once per step. Steps without
    /// an exact Galois key are rotated one by one (<see cref="RotateVector(Ciphertext, int, GaloisKeys)"/>); step 0 returns a copy.
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
        int n = _context.N, limbs = a.LimbCount, polyLength = limbs * n, slots = _context.SlotCount;
        var elements = new ulong[steps.Count];
        var keys = new KeySwitchingKey?[steps.Count];
        for (int i = 0; i < steps.Count; i++)
        {
            int s = ((steps[i] % slots) + slots) % slots;
            elements[i] = _context.Galois.ElementForStep(s);
            keys[i] = s != 0 && galoisKeys.TryGet(elements[i], out KeySwitchingKey key) ? key : null;
        }

        bool hoisted = keys.Any(k => k is not null);
        using Rings.PooledArray<ulong> digits = hoisted ? KeySwitching.Decompose(_context, a.Poly(1), a.Level) : default;
        ulong[]? shared = hoisted ? digits.Array : null;

        // After the shared decomposition the rotations are independent: they run side by side, one per core.
        Parallel.For(0, steps.Count, PrivacyRuntime.ParallelOptions, i =>
        {
            if (keys[i] is not { } key)
            {
                result[i] = RotateVector(a, steps[i], galoisKeys);
                return;
            }

            ulong element = elements[i];
            var rotated = new Ciphertext(_context, 2, a.Level, a.Scale, zeroed: false);
            Rings.Parallelism.For(limbs, n, l => _context.Galois.ApplyNtt(a.Limb(0, l), element, rotated.Limb(0, l)));
            KeySwitching.InnerProduct(_context, shared!, a.Level, key, _context.Galois.NttPermutation(element), rotated.Data.AsMemory(0, 2 * polyLength), accumulatePolys: 1);
            result[i] = rotated;
        });

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
