using System.Numerics;
using Thestage.Privacy.Arithmetic;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Item 6 of issue 10: slots were m(ζ^(5^k)) and rotations used 5^k (HEAAN's and Lattigo's order) while the docs claimed
/// SEAL's. SEAL's generator is 3 (4.4.3 <c>ckks.cpp</c>: <c>matrix_reps_index_map_</c> from powers of 3;
/// <c>util/galois.cpp</c>: <c>get_elt_from_step</c> = 3^step mod 2N). The attack is the interoperability gap: a plaintext
/// or ciphertext laid out by SEAL's definition decoded here to permuted, partly conjugated slots, and a Galois key SEAL
/// made for "rotate by 1" rotated by another amount. Every expected value below is computed from SEAL's definition
/// directly — slot k = m(ζ^(3^k)), ζ = e^(iπ/N), by an O(N²) sum — independent of the FFT.
/// </summary>
public sealed class SlotOrderAttacks
{
    private const int N = 1024;
    private static readonly CkksContext Context = new(new CkksParameters(N, [40, 30, 40]), SecurityLevel.None);

    [Fact]
    public void SealPlaintextDecodedHere_SlotsPermuted_Fails()
    {
        // An integer polynomial m as SEAL would hold it (coefficient form, then NTT per prime), scale 2^10.
        var random = new Random(6);
        long[] m = [.. Enumerable.Range(0, N).Select(_ => (long)random.Next(-5000, 5001))];
        const double scale = 1024;
        Complex[] decoded = new CkksEncoder(Context).DecodeComplex(FromCoefficients(m, scale));
        Complex[] expected = SealSlots(Array.ConvertAll(m, v => v / scale));
        for (int k = 0; k < N / 2; k++)
        {
            Assert.True((decoded[k] - expected[k]).Magnitude < 1e-8, $"slot {k}: {decoded[k]} here, {expected[k]} by SEAL's definition");
        }
    }

    [Fact]
    public void ValuesEncodedHere_MeanOtherSlotsToSeal_Fails()
    {
        var random = new Random(7);
        Complex[] z = [.. Enumerable.Range(0, N / 2).Select(_ => new Complex(random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1))];
        const double scale = 1L << 30;
        double[] coefficients = Coefficients(new CkksEncoder(Context).Encode(z, scale));
        Complex[] slots = SealSlots(Array.ConvertAll(coefficients, c => c / scale));
        for (int k = 0; k < N / 2; k++)
        {
            Assert.True((slots[k] - z[k]).Magnitude < 1e-6, $"slot {k}: encoded {z[k]}, SEAL reads {slots[k]}");
        }
    }

    [Fact]
    public void SealRotationKey_RotatesByAnotherStep_Fails()
    {
        var tool = Context.Galois;
        ulong power = 1;
        for (int k = 0; k < N / 2; k++)
        {
            Assert.Equal(power, tool.ElementForStep(k)); // SEAL: get_elt_from_step(k) = 3^k mod 2N
            Assert.Equal(power, tool.ElementForStep(k - N / 2)); // a right rotation by N/2 − k is the same element
            power = power * 3 % (2 * N);
        }

        Assert.Equal((ulong)(2 * N - 1), tool.ConjugationElement);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(-3)]
    [InlineData(200)]
    public void AutomorphismThreeToTheK_IsNotRotationByK_Fails(int step)
    {
        // X ↦ X^(3^k) applied to the coefficients, then read with SEAL's definition, is a left rotation by k.
        var random = new Random(step + 100);
        double[] m = [.. Enumerable.Range(0, N).Select(_ => random.NextDouble() * 2 - 1)];
        ulong g = Context.Galois.ElementForStep(step);
        double[] rotated = Automorphism(m, g);
        Complex[] before = SealSlots(m), after = SealSlots(rotated);
        int slots = N / 2;
        for (int k = 0; k < slots; k++)
        {
            Complex expected = before[((k + step) % slots + slots) % slots];
            Assert.True((after[k] - expected).Magnitude < 1e-9, $"step {step}, slot {k}");
        }

        // Conjugation: X ↦ X^(2N−1) conjugates every slot.
        Complex[] conjugated = SealSlots(Automorphism(m, Context.Galois.ConjugationElement));
        for (int k = 0; k < slots; k++)
        {
            Assert.True((conjugated[k] - Complex.Conjugate(before[k])).Magnitude < 1e-9);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-7)]
    public void HomomorphicRotation_DisagreesWithSeal_Fails(int step)
    {
        var keys = new KeyGenerator(Context);
        var encoder = new CkksEncoder(Context);
        var random = new Random(step + 50);
        Complex[] z = [.. Enumerable.Range(0, N / 2).Select(_ => new Complex(random.NextDouble(), random.NextDouble()))];
        Ciphertext c = new Encryptor(Context, keys.SecretKey).Encrypt(encoder.Encode(z, 1L << 30));
        GaloisKeys galois = keys.CreateGaloisKeys([step], includeConjugation: true);
        var evaluator = new Evaluator(Context);
        var decryptor = new Decryptor(Context, keys.SecretKey);
        Complex[] rotated = encoder.DecodeComplex(decryptor.Decrypt(evaluator.RotateVector(c, step, galois)));
        Complex[] conjugated = encoder.DecodeComplex(decryptor.Decrypt(evaluator.Conjugate(c, galois)));
        int slots = N / 2;
        for (int k = 0; k < slots; k++)
        {
            Assert.True((rotated[k] - z[((k + step) % slots + slots) % slots]).Magnitude < 1e-4, $"slot {k}");
            Assert.True((conjugated[k] - Complex.Conjugate(z[k])).Magnitude < 1e-4, $"slot {k}");
        }

        Assert.True(galois.HasKey(Pow3(step)));
    }

    /// <summary>SEAL's definition: slot k = m(ζ^(3^k)) = Σ_j m_j ζ^(3^k·j mod 2N), ζ = e^(iπ/N), summed naively.</summary>
    private static Complex[] SealSlots(double[] m)
    {
        var slots = new Complex[N / 2];
        long g = 1;
        for (int k = 0; k < slots.Length; k++)
        {
            Complex sum = Complex.Zero;
            for (int j = 0; j < N; j++)
            {
                sum += m[j] * Complex.FromPolarCoordinates(1, Math.PI * (g * j % (2 * N)) / N);
            }

            slots[k] = sum;
            g = g * 3 % (2 * N);
        }

        return slots;
    }

    private static ulong Pow3(int step)
    {
        int k = ((step % (N / 2)) + N / 2) % (N / 2);
        ulong g = 1;
        for (int i = 0; i < k; i++)
        {
            g = g * 3 % (2 * N);
        }

        return g;
    }

    /// <summary>m(X^g) in Z[X]/(X^N + 1): X^j ↦ ±X^(j·g mod N).</summary>
    private static double[] Automorphism(double[] m, ulong g)
    {
        var result = new double[N];
        for (int j = 0; j < N; j++)
        {
            long e = (long)((ulong)j * g % (2 * N));
            if (e < N)
            {
                result[e] += m[j];
            }
            else
            {
                result[e - N] -= m[j];
            }
        }

        return result;
    }

    private static Plaintext FromCoefficients(long[] m, double scale)
    {
        int level = Context.MaxLevel;
        var data = new ulong[(level + 1) * N];
        for (int i = 0; i <= level; i++)
        {
            Modulus q = Context.KeyModuli[i];
            Span<ulong> limb = data.AsSpan(i * N, N);
            for (int j = 0; j < N; j++)
            {
                limb[j] = ModArith.FromSigned(m[j], q);
            }

            Context.Ntt[i].Forward(limb);
        }

        return new Plaintext(Context, level, scale, data);
    }

    private static double[] Coefficients(Plaintext p)
    {
        ulong[] data = (ulong[])p.Data.Clone();
        for (int i = 0; i <= p.Level; i++)
        {
            Context.Ntt[i].Inverse(data.AsSpan(i * N, N));
        }

        RnsBase crt = Context.GetLevel(p.Level).Crt;
        var scratch = new ulong[2 * (p.Level + 2)];
        return [.. Enumerable.Range(0, N).Select(j => crt.ComposeCentered(data.AsSpan(j), N, scratch))];
    }
}
