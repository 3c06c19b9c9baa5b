using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>Runs alone: the attack reads the process-wide <see cref="ArrayPool{T}.Shared"/>, which other tests also use.</summary>
[CollectionDefinition(nameof(SharedPoolCollection), DisableParallelization = true)]
public sealed class SharedPoolCollection;

/// <summary>
/// Item 1 of issue 10: buffers that held secret-dependent data went back to <see cref="ArrayPool{T}.Shared"/>
/// uncleared. After <c>CreatePublicKey</c> the next <c>Rent(N)</c> on the same thread returned a·s mod P, and with the
/// public a every NTT coefficient of s mod P — the whole ternary key — followed; key-switching keys did the same on
/// thread-pool threads, and decoding a decrypted plaintext left c₀ + c₁·s in coefficient form, from which
/// s = (NTT(m′) − c₀)·c₁⁻¹ with the public ciphertext.
/// </summary>
/// <remarks>
/// Each case first scrubs the pools (so that a finding belongs to the operation), performs one operation, then attacks
/// as any code in the process can: it rents arrays of every size from N to 128·N words (and the byte, sbyte, double and
/// complex pools the encoder and samplers use) on the calling thread and on the thread-pool threads, and tries to
/// recover the key from every nonzero N-word block of each, for every prime: the block as s itself, as a·s for every
/// public uniform a in play (public key, key-switching keys, symmetric ciphertexts), and as the coefficient form of a
/// decryption c₀ + c₁·s of every ciphertext in play; and to find the decrypted or encoded message verbatim. The
/// attacker would confirm a candidate by its ternary coefficients; the test compares it with the key directly.
/// </remarks>
[Collection(nameof(SharedPoolCollection))]
public sealed class SharedPoolKeyRecoveryAttacks
{
    private const int N = 4096;
    private const double Scale = 1L << 30;
    private static readonly CkksContext Context = new(new CkksParameters(N, [50, 40, 40, 50]), SecurityLevel.None);

    public static TheoryData<string> Operations =>
    [
        "key generation", "public key", "relinearization keys", "Galois keys", "symmetric encryption",
        "public-key encryption", "encoding", "decryption", "decryption of a product", "decryption and decoding", "relinearization",
    ];

    [Theory]
    [MemberData(nameof(Operations))]
    public void SecretKeyRecoveredFromSharedPool_AfterOperation_Fails(string operation)
    {
        var keys = new KeyGenerator(Context);
        PublicKey publicKey = keys.CreatePublicKey();
        RelinKeys relinKeys = keys.CreateRelinKeys();
        var encoder = new CkksEncoder(Context);
        var symmetric = new Encryptor(Context, keys.SecretKey);
        var decryptor = new Decryptor(Context, keys.SecretKey);
        var evaluator = new Evaluator(Context);
        var random = new Random(operation.Length);
        double[] values = [.. Enumerable.Range(0, N / 2).Select(_ => random.NextDouble() * 2 - 1)];
        Ciphertext fresh = symmetric.Encrypt(encoder.Encode(values, Scale));
        Ciphertext product = evaluator.Multiply(fresh, fresh);
        var secrets = new Secrets(keys.SecretKey);
        secrets.AddUniform(publicKey.Data.AsSpan(Context.KeyLimbCount * N).ToArray());
        secrets.AddSwitchingKey(relinKeys.Key);
        secrets.AddCiphertext(fresh);
        secrets.AddCiphertext(product);

        Scrub();
        KeyGenerator? generated = null;
        switch (operation)
        {
            case "key generation":
                generated = new KeyGenerator(Context);
                secrets = new Secrets(generated.SecretKey);
                break;
            case "public key":
                secrets.AddUniform(keys.CreatePublicKey().Data.AsSpan(Context.KeyLimbCount * N).ToArray());
                break;
            case "relinearization keys":
                secrets.AddSwitchingKey(keys.CreateRelinKeys().Key);
                break;
            case "Galois keys":
                GaloisKeys galois = keys.CreateGaloisKeys([1, -3], includeConjugation: true);
                foreach (ulong g in galois.GaloisElements)
                {
                    galois.TryGet(g, out KeySwitchingKey key);
                    secrets.AddSwitchingKey(key);
                }

                break;
            case "symmetric encryption":
                secrets.AddCiphertext(symmetric.Encrypt(encoder.Encode(values, Scale)));
                break;
            case "public-key encryption":
                secrets.AddCiphertext(new Encryptor(Context, publicKey).Encrypt(encoder.Encode(values, Scale)));
                break;
            case "encoding":
                secrets.AddMessage(encoder.Encode(values, Scale));
                break;
            case "decryption":
                decryptor.Decrypt(fresh);
                break;
            case "decryption of a product":
                decryptor.Decrypt(product);
                break;
            case "decryption and decoding":
                secrets.AddDecoded(encoder.Decode(decryptor.Decrypt(fresh)));
                break;
            case "relinearization":
                secrets.AddCiphertext(evaluator.Relinearize(product, relinKeys));
                break;
        }

        List<string> findings = AttackEverywhere(secrets);
        generated?.SecretKey.Dispose();
        Assert.True(findings.Count == 0, $"After {operation}: " + string.Join("; ", findings.Distinct().Take(5)));
    }

    /// <summary>Runs the attack on the calling thread and on thread-pool threads (where Parallel.For ran limb work).</summary>
    private static List<string> AttackEverywhere(Secrets secrets)
    {
        var findings = new ConcurrentBag<string>();
        int caller = Environment.CurrentManagedThreadId;
        Probe(secrets, findings, caller);
        Parallel.For(0, 4 * Environment.ProcessorCount + 4, _ => Probe(secrets, findings, caller));
        return [.. findings];
    }

    private static void Probe(Secrets secrets, ConcurrentBag<string> findings, int caller)
    {
        string where = Environment.CurrentManagedThreadId == caller ? "the operation's thread" : $"thread {Environment.CurrentManagedThreadId} of the thread pool";
        Drain<ulong>(a => secrets.RecoverFromWords(a), findings, where);
        Drain<sbyte>(a => secrets.RecoverFromTernary(a), findings, where);
        Drain<double>(a => secrets.FindMessage(a), findings, where);
        Drain<Complex>(a => secrets.FindMessage(a), findings, where);
    }

    /// <summary>Rents several arrays of every size from N to 128·N (all the buckets the library's buffers use), attacks each, returns them.</summary>
    private static void Drain<T>(Func<T[], string?> attack, ConcurrentBag<string> findings, string where)
    {
        var rented = new List<T[]>();
        for (int size = N / 2; size <= 128 * N; size *= 2)
        {
            for (int k = 0; k < 4; k++)
            {
                T[] array = ArrayPool<T>.Shared.Rent(size);
                rented.Add(array);
                string? how = attack(array);
                if (how is not null)
                {
                    findings.Add($"{how} (a {typeof(T).Name}[{array.Length}] rented on {where})");
                }
            }
        }

        foreach (T[] array in rented)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    /// <summary>Wipes what the pools hold, on every thread the attack reaches, so that findings belong to the operation.</summary>
    private static void Scrub()
    {
        static void One()
        {
            Wipe<ulong>();
            Wipe<sbyte>();
            Wipe<double>();
            Wipe<Complex>();
        }

        One();
        Parallel.For(0, 4 * Environment.ProcessorCount + 4, _ => One());
    }

    private static void Wipe<T>()
    {
        var rented = new List<T[]>();
        for (int size = N / 2; size <= 128 * N; size *= 2)
        {
            for (int k = 0; k < 4; k++)
            {
                T[] array = ArrayPool<T>.Shared.Rent(size);
                Array.Clear(array);
                rented.Add(array);
            }
        }

        foreach (T[] array in rented)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    /// <summary>What the attacker can use (public polynomials and ciphertexts) and what the test checks a recovery against.</summary>
    private sealed class Secrets
    {
        private readonly SecretKey _key;
        private readonly sbyte[] _ternary;
        private readonly List<ulong[]> _uniform = [];              // key-level or data-level a, NTT form, limb-major
        private readonly List<(ulong[] C0, ulong[] C1, int Limbs)> _ciphertexts = [];
        private readonly List<double[]> _messageCoefficients = [];
        private readonly List<double[]> _decoded = [];

        public Secrets(SecretKey key)
        {
            _key = key;
            var limb = key.Data.AsSpan(0, N).ToArray();
            Context.Ntt[0].Inverse(limb);
            ulong q0 = Context.KeyModuli[0].Value;
            _ternary = Array.ConvertAll(limb, v => v == 0 ? (sbyte)0 : v == 1 ? (sbyte)1 : (sbyte)-1);
            Assert.All(limb, v => Assert.True(v <= 1 || v == q0 - 1));
        }

        public void AddUniform(ulong[] a) => _uniform.Add(a);

        public void AddSwitchingKey(KeySwitchingKey key)
        {
            int length = Context.KeyLimbCount * N;
            foreach (ulong[] component in key.Components)
            {
                _uniform.Add(component.AsSpan(length, length).ToArray());
            }
        }

        public void AddCiphertext(Ciphertext c)
        {
            _uniform.Add(c.Poly(1).ToArray());
            _ciphertexts.Add((c.Poly(0).ToArray(), c.Poly(1).ToArray(), c.LimbCount));
        }

        public void AddMessage(Plaintext p)
        {
            ulong[] data = (ulong[])p.Data.Clone();
            for (int i = 0; i <= p.Level; i++)
            {
                Context.Ntt[i].Inverse(data.AsSpan(i * N, N));
            }

            RnsBase crt = Context.GetLevel(p.Level).Crt;
            var scratch = new ulong[2 * (p.Level + 2)];
            _messageCoefficients.Add([.. Enumerable.Range(0, N).Select(j => crt.ComposeCentered(data.AsSpan(j), N, scratch))]);
        }

        public void AddDecoded(double[] slots) => _decoded.Add(slots);

        /// <summary>Tries every nonzero N-word block of <paramref name="words"/> as s, a·s, or a decryption, for every prime.</summary>
        public string? RecoverFromWords(ulong[] words)
        {
            var t = new ulong[N];
            for (int o = 0; o + N <= words.Length; o += N)
            {
                ReadOnlySpan<ulong> w = words.AsSpan(o, N);
                if (!w.ContainsAnyExcept(0UL))
                {
                    continue;
                }

                for (int i = 0; i < Context.KeyLimbCount; i++)
                {
                    Modulus q = Context.KeyModuli[i];
                    ReadOnlySpan<ulong> s = _key.Data.AsSpan(i * N, N);
                    if (w.SequenceEqual(s))
                    {
                        return $"s mod q{i} itself at word {o}";
                    }

                    foreach (ulong[] a in _uniform)
                    {
                        if (a.Length >= (i + 1) * N && IsQuotient(w, a.AsSpan(i * N, N), s, q))
                        {
                            return $"a·s mod q{i} at word {o}: s = (a·s)·a⁻¹";
                        }
                    }

                    if (_ciphertexts.Any(c => c.Limbs > i) && !w.ContainsAnyInRange(q.Value, ulong.MaxValue))
                    {
                        w.CopyTo(t);
                        Context.Ntt[i].Forward(t);
                        foreach ((ulong[] c0, ulong[] c1, int limbs) in _ciphertexts)
                        {
                            if (limbs > i && IsDecryption(t, c0.AsSpan(i * N, N), c1.AsSpan(i * N, N), s, q))
                            {
                                return $"a decryption c₀ + c₁·s mod q{i} at word {o}: s = (NTT(m′) − c₀)·c₁⁻¹";
                            }
                        }
                    }
                }
            }

            return null;
        }

        public string? RecoverFromTernary(sbyte[] small) =>
            small.Length >= N && small.AsSpan(0, N).SequenceEqual(_ternary) ? "the ternary coefficients of s" : null;

        public string? FindMessage(double[] array)
        {
            foreach (double[] c in _messageCoefficients)
            {
                if (array.Length >= N && array.AsSpan(0, N).SequenceEqual(c))
                {
                    return "the encoded message's coefficients";
                }
            }

            return null;
        }

        public string? FindMessage(Complex[] array)
        {
            foreach (double[] slots in _decoded)
            {
                if (Enumerable.Range(0, N / 2).All(k => array[k].Real == slots[k]))
                {
                    return "the decrypted slots";
                }
            }

            foreach (double[] c in _messageCoefficients)
            {
                if (Enumerable.Range(0, N / 2).All(j => Math.Round(array[j].Real * Scale) == c[j] && Math.Round(array[j].Imaginary * Scale) == c[j + N / 2]))
                {
                    return "the encoded message (coefficients / Δ)";
                }
            }

            return null;
        }

        // w·a⁻¹ = s coefficient by coefficient; the first coefficient decides almost always, so the rest is rarely computed.
        private static bool IsQuotient(ReadOnlySpan<ulong> w, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> s, Modulus q)
        {
            for (int x = 0; x < N; x++)
            {
                if (w[x] >= q.Value || a[x] == 0 || ModArith.Multiply(w[x], ModArith.Inverse(a[x], q.Value), q) != s[x])
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsDecryption(ReadOnlySpan<ulong> m, ReadOnlySpan<ulong> c0, ReadOnlySpan<ulong> c1, ReadOnlySpan<ulong> s, Modulus q)
        {
            for (int x = 0; x < N; x++)
            {
                if (c1[x] == 0 || ModArith.Multiply(ModArith.Sub(m[x], c0[x], q.Value), ModArith.Inverse(c1[x], q.Value), q) != s[x])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
