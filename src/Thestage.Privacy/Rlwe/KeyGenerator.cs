using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Rings;
using Thestage.Privacy.Sampling;

namespace Thestage.Privacy.Rlwe;

/// <summary>
/// Generates a secret key and the keys derived from it: public key, relinearization keys and Galois keys
/// (SEAL <c>KeyGenerator</c>). All randomness comes from SHAKE-256 streams seeded by the operating system's CSPRNG.
/// </summary>
public sealed class KeyGenerator
{
    private readonly RlweContext _context;

    /// <summary>Creates a generator with a fresh uniform ternary secret key.</summary>
    /// <param name="context">The context (for example a <c>CkksContext</c>).</param>
    public KeyGenerator(RlweContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        var data = new ulong[context.KeyLimbCount * context.N];
        using (var rng = new Shake256Stream())
        {
            RlweSampling.SampleSmallNtt(context, rng, ternary: true, context.KeyLimbCount, data);
        }

        SecretKey = new SecretKey(context, data);
    }

    /// <summary>Creates a generator for an existing secret key.</summary>
    /// <param name="context">The context the key belongs to.</param>
    /// <param name="secretKey">The secret key.</param>
    /// <exception cref="ArgumentException">The key belongs to another context.</exception>
    public KeyGenerator(RlweContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        if (!ReferenceEquals(secretKey.Context, context))
        {
            throw new ArgumentException("The secret key belongs to another context.", nameof(secretKey));
        }

        secretKey.ThrowIfDisposed();
        _context = context;
        SecretKey = secretKey;
    }

    /// <summary>The secret key s.</summary>
    public SecretKey SecretKey { get; }

    /// <summary>Creates a public key (−a·s + e, a) at the key level.</summary>
    public PublicKey CreatePublicKey()
    {
        SecretKey.ThrowIfDisposed();
        int limbs = _context.KeyLimbCount;
        int n = _context.N;
        var data = new ulong[2 * limbs * n];
        byte[] seed = Shake256Stream.NewSeed();
        RlweSampling.EncryptZeroSymmetric(_context, SecretKey, limbs, seed, data.AsSpan(0, limbs * n), data.AsSpan(limbs * n));
        return new PublicKey(_context, data, seed);
    }

    /// <summary>Creates relinearization keys: the key-switching key from s² to s.</summary>
    public RelinKeys CreateRelinKeys()
    {
        SecretKey.ThrowIfDisposed();
        int n = _context.N;
        var square = new ulong[_context.KeyLimbCount * n];
        for (int i = 0; i < _context.KeyLimbCount; i++)
        {
            ReadOnlySpan<ulong> s = SecretKey.Data.AsSpan(i * n, n);
            PolyArith.Multiply(s, s, _context.KeyModuli[i], square.AsSpan(i * n, n));
        }

        KeySwitchingKey key = CreateSwitchingKey(square);
        Array.Clear(square);
        return new RelinKeys(_context, key);
    }

    /// <summary>
    /// Creates Galois keys for every power-of-two rotation step in both directions (±1, ±2, …, ±N/4) and for
    /// conjugation, as SEAL's default does; any step can then be composed from at most log2(N/2) rotations.
    /// </summary>
    public GaloisKeys CreateGaloisKeys()
    {
        var elements = new List<ulong>();
        for (int step = 1; step < _context.Galois.SlotCount; step <<= 1)
        {
            elements.Add(_context.Galois.ElementForStep(step));
            elements.Add(_context.Galois.ElementForStep(-step));
        }

        elements.Add(_context.Galois.ConjugationElement);
        return CreateGaloisKeysFromElements(elements);
    }

    /// <summary>Creates Galois keys for exactly the given rotation steps.</summary>
    /// <param name="steps">Rotation steps, each in (−N/2, N/2); positive rotates left. Step 0 and duplicates are ignored.</param>
    /// <exception cref="ArgumentOutOfRangeException">A step is out of range.</exception>
    public GaloisKeys CreateGaloisKeys(int[] steps) => CreateGaloisKeys(steps, includeConjugation: false);

    /// <summary>Creates Galois keys for exactly the given rotation steps, and optionally conjugation.</summary>
    /// <param name="steps">Rotation steps, each in (−N/2, N/2); positive rotates left. Step 0 and duplicates are ignored.</param>
    /// <param name="includeConjugation">Also create the key of the conjugation automorphism.</param>
    /// <exception cref="ArgumentOutOfRangeException">A step is out of range.</exception>
    public GaloisKeys CreateGaloisKeys(int[] steps, bool includeConjugation) => CreateGaloisKeys(steps, includeConjugation, null, default);

    /// <summary>
    /// Creates Galois keys for exactly the given rotation steps, and optionally conjugation, reporting each key made and
    /// stopping between keys when cancelled (one key of N = 2^15 with 15 primes takes about a second).
    /// </summary>
    /// <param name="steps">Rotation steps, each in (−N/2, N/2); positive rotates left. Step 0 and duplicates are ignored.</param>
    /// <param name="includeConjugation">Also create the key of the conjugation automorphism.</param>
    /// <param name="progress">Told (keys made, keys to make) after each key; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each key.</param>
    /// <exception cref="ArgumentOutOfRangeException">A step is out of range.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the keys made so far (public material) are dropped.</exception>
    public GaloisKeys CreateGaloisKeys(int[] steps, bool includeConjugation, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(steps);
        int slots = _context.Galois.SlotCount;
        var elements = new List<ulong>();
        foreach (int step in steps)
        {
            if (step <= -slots || step >= slots)
            {
                throw new ArgumentOutOfRangeException(nameof(steps), step, $"Rotation steps must lie in ({-slots}, {slots}).");
            }

            if (step % slots != 0)
            {
                elements.Add(_context.Galois.ElementForStep(step));
            }
        }

        if (includeConjugation)
        {
            elements.Add(_context.Galois.ConjugationElement);
        }

        return CreateGaloisKeysFromElements(elements, progress, cancellationToken);
    }

    /// <summary>Creates Galois keys for the given Galois elements (odd, below 2N).</summary>
    /// <param name="galoisElements">The elements.</param>
    /// <exception cref="ArgumentException">An element is even or not below 2N.</exception>
    public GaloisKeys CreateGaloisKeysFromElements(IEnumerable<ulong> galoisElements) => CreateGaloisKeysFromElements(galoisElements, null, default);

    /// <summary>
    /// Creates Galois keys for the given Galois elements (odd, below 2N), reporting each key made and stopping between keys
    /// when cancelled.
    /// </summary>
    /// <param name="galoisElements">The elements.</param>
    /// <param name="progress">Told (keys made, keys to make) after each key; null for no reports.</param>
    /// <param name="cancellationToken">Checked before each key.</param>
    /// <exception cref="ArgumentException">An element is even or not below 2N.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled; the keys made so far (public material) are dropped.</exception>
    public GaloisKeys CreateGaloisKeysFromElements(IEnumerable<ulong> galoisElements, IProgress<(int Completed, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(galoisElements);
        SecretKey.ThrowIfDisposed();
        int n = _context.N;

        // Validated and deduplicated first, so that the total is known before the first (slow) key.
        var elements = new List<ulong>();
        var seen = new HashSet<ulong>();
        foreach (ulong g in galoisElements)
        {
            if (!_context.Galois.IsValidElement(g))
            {
                throw new ArgumentException($"Galois element {g} must be odd and below 2N = {2 * n}.", nameof(galoisElements));
            }

            if (g != 1 && seen.Add(g))
            {
                elements.Add(g);
            }
        }

        var keys = new Dictionary<ulong, KeySwitchingKey>();
        var rotated = new ulong[_context.KeyLimbCount * n];
        try
        {
            foreach (ulong g in elements)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int i = 0; i < _context.KeyLimbCount; i++)
                {
                    _context.Galois.ApplyNtt(SecretKey.Data.AsSpan(i * n, n), g, rotated.AsSpan(i * n, n));
                }

                keys[g] = CreateSwitchingKey(rotated);
                progress?.Report((keys.Count, elements.Count));
            }
        }
        finally
        {
            Array.Clear(rotated);
        }

        return new GaloisKeys(_context, keys);
    }

    /// <summary>The key-switching key from <paramref name="newKey"/> (key level, NTT form) to the secret key.</summary>
    private KeySwitchingKey CreateSwitchingKey(ReadOnlySpan<ulong> newKey)
    {
        int n = _context.N;
        int limbs = _context.KeyLimbCount;
        int digits = _context.MaxLevel + 1;
        var components = new ulong[digits][];
        var seeds = new byte[digits][];
        for (int j = 0; j < digits; j++)
        {
            components[j] = KeySwitchingKey.AllocateComponent(2 * limbs * n, zeroed: true);
            seeds[j] = Shake256Stream.NewSeed();
        }

        Parallelism.For(digits, limbs * n, j =>
        {
            Span<ulong> b = components[j].AsSpan(0, limbs * n);
            RlweSampling.EncryptZeroSymmetric(_context, SecretKey, limbs, seeds[j], b, components[j].AsSpan(limbs * n));
        });

        for (int j = 0; j < digits; j++)
        {
            // b_j += P·s′ in limb j only: the CRT idempotent ẽ_j times P·s′.
            Modulus q = _context.KeyModuli[j];
            var factor = new MultiplyOperand(_context.SpecialModulusModQ[j], q.Value);
            Span<ulong> limb = components[j].AsSpan(j * n, n);
            ReadOnlySpan<ulong> s = newKey.Slice(j * n, n);
            for (int x = 0; x < n; x++)
            {
                limb[x] = ModArith.Add(limb[x], factor.Multiply(s[x], q.Value), q.Value);
            }
        }

        return new KeySwitchingKey(components, seeds);
    }
}
