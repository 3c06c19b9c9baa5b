using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>Every homomorphic operation against the same computation on plain doubles, values in [−1, 1].</summary>
public sealed class EvaluatorTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    private const double FreshTolerance = 1e-7;
    private const int Tests = 8;

    private int Slots => f.Encoder.SlotCount;

    [Property(MaxTest = Tests)]
    public Property Public_and_symmetric_encryption_both_decrypt(PositiveInt seed)
    {
        double[] x = CkksFixture.RandomValues(seed.Get, Slots);
        var pt = f.Encoder.Encode(x, CkksFixture.Scale);
        Ciphertext pk = f.Encryptor.Encrypt(pt), sk = f.SymmetricEncryptor.Encrypt(pt);
        return (CkksFixture.MaxError(x, f.Decrypt(pk)) < FreshTolerance && CkksFixture.MaxError(x, f.Decrypt(sk)) < FreshTolerance
            && sk.Seed is not null && pk.Seed is null).ToProperty();
    }

    [Property(MaxTest = Tests)]
    public Property Add_sub_negate_match_plain(PositiveInt seed)
    {
        double[] x = CkksFixture.RandomValues(seed.Get, Slots), y = CkksFixture.RandomValues(seed.Get + 1, Slots);
        Ciphertext cx = f.Encrypt(x), cy = f.Encrypt(y);
        bool add = CkksFixture.MaxError(Zip(x, y, (a, b) => a + b), f.Decrypt(f.Evaluator.Add(cx, cy))) < FreshTolerance;
        bool sub = CkksFixture.MaxError(Zip(x, y, (a, b) => a - b), f.Decrypt(f.Evaluator.Sub(cx, cy))) < FreshTolerance;
        bool neg = CkksFixture.MaxError(x.Select(a => -a).ToArray(), f.Decrypt(f.Evaluator.Negate(cx))) < FreshTolerance;
        var py = f.Encoder.Encode(y, CkksFixture.Scale);
        bool addPlain = CkksFixture.MaxError(Zip(x, y, (a, b) => a + b), f.Decrypt(f.Evaluator.AddPlain(cx, py))) < FreshTolerance;
        bool subPlain = CkksFixture.MaxError(Zip(x, y, (a, b) => a - b), f.Decrypt(f.Evaluator.SubPlain(cx, py))) < FreshTolerance;
        return (add && sub && neg && addPlain && subPlain).ToProperty();
    }

    [Fact]
    public void Square_and_multiply_plain_give_the_words_of_128_bit_products()
    {
        // The fixture's primes take both product arithmetics: 60 bits the integer Barrett, 40 bits the double precision.
        Ciphertext x = f.Encrypt(CkksFixture.RandomValues(21, Slots));
        Plaintext p = f.Encoder.Encode(CkksFixture.RandomValues(22, Slots), CkksFixture.Scale);
        Ciphertext square = f.Evaluator.Square(x), weighted = f.Evaluator.MultiplyPlain(x, p);
        var inPlace = new Ciphertext(x);
        f.Evaluator.SquareInplace(inPlace);
        for (int i = 0; i < x.LimbCount; i++)
        {
            UInt128 q = f.Context.KeyModuli[i].Value;
            ulong[] c0 = x.Limb(0, i).ToArray(), c1 = x.Limb(1, i).ToArray(), pi = p.Limb(i).ToArray();
            Assert.Equal(c0.Select(u => (ulong)(u * (UInt128)u % q)), square.Limb(0, i).ToArray());
            Assert.Equal(c0.Zip(c1, (u, v) => (ulong)(2 * (UInt128)u * v % q)), square.Limb(1, i).ToArray());
            Assert.Equal(c1.Select(v => (ulong)(v * (UInt128)v % q)), square.Limb(2, i).ToArray());
            Assert.Equal(c0.Zip(pi, (u, w) => (ulong)(u * (UInt128)w % q)), weighted.Limb(0, i).ToArray());
            Assert.Equal(c1.Zip(pi, (u, w) => (ulong)(u * (UInt128)w % q)), weighted.Limb(1, i).ToArray());
        }

        Assert.Equal(square.Data, inPlace.Data.AsSpan(0, square.Length).ToArray());
    }

    [Property(MaxTest = Tests)]
    public Property Multiply_relinearize_rescale_match_plain(PositiveInt seed)
    {
        double[] x = CkksFixture.RandomValues(seed.Get, Slots), y = CkksFixture.RandomValues(seed.Get + 7, Slots);
        Ciphertext product = f.Evaluator.Multiply(f.Encrypt(x), f.Encrypt(y));
        bool size3 = product.Size == 3 && CkksFixture.MaxError(Zip(x, y, (a, b) => a * b), f.Decrypt(product)) < FreshTolerance;
        f.Evaluator.RelinearizeInplace(product, f.RelinKeys);
        f.Evaluator.RescaleToNextInplace(product);
        return (size3 && product.Size == 2 && product.Level == 1
            && CkksFixture.MaxError(Zip(x, y, (a, b) => a * b), f.Decrypt(product)) < FreshTolerance).ToProperty();
    }

    [Property(MaxTest = Tests)]
    public Property Square_and_multiply_plain_match_plain(PositiveInt seed)
    {
        double[] x = CkksFixture.RandomValues(seed.Get, Slots), w = CkksFixture.RandomValues(seed.Get + 3, Slots);
        Ciphertext cx = f.Encrypt(x);
        Ciphertext square = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(f.Evaluator.Square(cx), f.RelinKeys));
        Ciphertext weighted = f.Evaluator.RescaleToNext(f.Evaluator.MultiplyPlain(cx, f.Encoder.Encode(w, CkksFixture.Scale)));
        return (CkksFixture.MaxError(x.Select(a => a * a).ToArray(), f.Decrypt(square)) < FreshTolerance
            && CkksFixture.MaxError(Zip(x, w, (a, b) => a * b), f.Decrypt(weighted)) < FreshTolerance).ToProperty();
    }

    [Property(MaxTest = Tests)]
    public Property Rotation_by_any_step_matches_plain(PositiveInt seed, int rawStep)
    {
        int step = rawStep % Slots;
        double[] x = CkksFixture.RandomValues(seed.Get, Slots);
        double[] rotated = f.Decrypt(f.Evaluator.RotateVector(f.Encrypt(x), step, f.GaloisKeys));
        double[] expected = Enumerable.Range(0, Slots).Select(i => x[(((i + step) % Slots) + Slots) % Slots]).ToArray();
        return (CkksFixture.MaxError(expected, rotated) < FreshTolerance).ToProperty();
    }

    [Fact]
    public void Rotation_with_an_exact_step_key_and_with_power_of_two_keys_agree()
    {
        double[] x = CkksFixture.RandomValues(11, Slots);
        Ciphertext cx = f.Encrypt(x);
        GaloisKeys exact = f.KeyGenerator.CreateGaloisKeys([5, -3]);
        Assert.True(exact.HasStep(5) && exact.HasStep(-3) && !exact.HasStep(1));
        foreach (int step in new[] { 5, -3 })
        {
            double[] expected = Enumerable.Range(0, Slots).Select(i => x[(((i + step) % Slots) + Slots) % Slots]).ToArray();
            Assert.True(CkksFixture.MaxError(expected, f.Decrypt(f.Evaluator.RotateVector(cx, step, exact))) < FreshTolerance);
            Assert.True(CkksFixture.MaxError(expected, f.Decrypt(f.Evaluator.RotateVector(cx, step, f.GaloisKeys))) < FreshTolerance);
        }

        Assert.Equal(x, f.Decrypt(f.Evaluator.RotateVector(cx, Slots, f.GaloisKeys)), (a, b) => Math.Abs(a - b) < FreshTolerance);
    }

    [Fact]
    public void Hoisted_rotations_are_bit_identical_to_single_rotations()
    {
        // σ_g commutes with the centered digit lift exactly, so sharing the decomposition changes no bit.
        Ciphertext c = f.Encrypt(CkksFixture.RandomValues(51, Slots));
        int[] steps = [1, 2, -1, 3, 0, 1024];
        Ciphertext[] hoisted = f.Evaluator.RotateVectorHoisted(c, steps, f.GaloisKeys);
        for (int i = 0; i < steps.Length; i++)
        {
            Ciphertext single = f.Evaluator.RotateVector(c, steps[i], f.GaloisKeys);
            Assert.Equal(single.Level, hoisted[i].Level);
            Assert.True(single.Data.AsSpan().SequenceEqual(hoisted[i].Data), $"step {steps[i]}");
        }
    }

    [Fact]
    public void Hoisted_rotations_without_an_exact_key_are_single_rotations_and_need_no_decomposition()
    {
        // Step 0 is a copy and 5 has no key of its own (composed of power-of-two steps): nothing to share.
        Ciphertext c = f.Encrypt(CkksFixture.RandomValues(52, Slots));
        int[] steps = [0, 5, 5];
        Ciphertext[] hoisted = f.Evaluator.RotateVectorHoisted(c, steps, f.GaloisKeys);
        for (int i = 0; i < steps.Length; i++)
        {
            Assert.True(f.Evaluator.RotateVector(c, steps[i], f.GaloisKeys).Data.AsSpan().SequenceEqual(hoisted[i].Data), $"step {steps[i]}");
        }
    }

    [Fact]
    public void Conjugate_matches_plain()
    {
        var random = new Random(2);
        var z = Enumerable.Range(0, Slots).Select(_ => new Complex(random.NextDouble() * 2 - 1, random.NextDouble() * 2 - 1)).ToArray();
        Ciphertext c = f.Encryptor.Encrypt(f.Encoder.Encode(z, CkksFixture.Scale));
        Complex[] back = f.Encoder.DecodeComplex(f.Decryptor.Decrypt(f.Evaluator.Conjugate(c, f.GaloisKeys)));
        Assert.All(Enumerable.Range(0, Slots), i => Assert.True((Complex.Conjugate(z[i]) - back[i]).Magnitude < FreshTolerance));
    }

    [Fact]
    public void A_chain_of_multiplications_to_full_depth_stays_within_tolerance()
    {
        // {60, 40, 40, 60}: two rescales. x → x·y → x·y·x; the result lands on level 0.
        double[] x = CkksFixture.RandomValues(21, Slots), y = CkksFixture.RandomValues(22, Slots);
        Ciphertext cx = f.Encrypt(x), cy = f.Encrypt(y);
        Ciphertext c = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(f.Evaluator.Multiply(cx, cy), f.RelinKeys));
        Ciphertext cx1 = f.Evaluator.ModSwitchToNext(cx);
        cx1.Scale = c.Scale; // q₂ ≈ Δ: the scales differ only by q₂/Δ, as in SEAL's examples
        c = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(f.Evaluator.Multiply(c, cx1), f.RelinKeys));
        Assert.Equal(0, c.Level);
        double[] expected = x.Select((a, i) => a * y[i] * a).ToArray();
        Assert.True(CkksFixture.MaxError(expected, f.Decrypt(c)) < 1e-5);
        Assert.Throws<InvalidOperationException>(() => f.Evaluator.RescaleToNext(c));
    }

    [Fact]
    public void Mod_switching_keeps_the_message_for_ciphertexts_and_plaintexts()
    {
        double[] x = CkksFixture.RandomValues(31, Slots);
        Ciphertext c = f.Encrypt(x);
        Ciphertext down = f.Evaluator.ModSwitchTo(c, 0);
        Assert.Equal(0, down.Level);
        Assert.True(CkksFixture.MaxError(x, f.Decrypt(down)) < FreshTolerance);
        var p = f.Encoder.Encode(x, CkksFixture.Scale);
        f.Evaluator.ModSwitchToNextInplace(p);
        Assert.Equal(1, p.Level);
        Ciphertext sum = f.Evaluator.AddPlain(f.Evaluator.ModSwitchToNext(c), p);
        Assert.True(CkksFixture.MaxError(x.Select(v => 2 * v).ToArray(), f.Decrypt(sum)) < FreshTolerance);
    }

    [Fact]
    public void Inplace_variants_agree_with_the_returning_ones()
    {
        double[] x = CkksFixture.RandomValues(41, Slots), y = CkksFixture.RandomValues(42, Slots);
        Ciphertext cx = f.Encrypt(x), cy = f.Encrypt(y);
        var a = new Ciphertext(cx);
        f.Evaluator.AddInplace(a, cy);
        f.Evaluator.SubInplace(a, cy);
        f.Evaluator.NegateInplace(a);
        f.Evaluator.MultiplyInplace(a, cy);
        f.Evaluator.RelinearizeInplace(a, f.RelinKeys);
        f.Evaluator.RescaleToNextInplace(a);
        f.Evaluator.RotateVectorInplace(a, 1, f.GaloisKeys);
        double[] expected = Enumerable.Range(0, Slots).Select(i => -x[(i + 1) % Slots] * y[(i + 1) % Slots]).ToArray();
        Assert.True(CkksFixture.MaxError(expected, f.Decrypt(a)) < FreshTolerance);
        Assert.True(CkksFixture.MaxError(x, f.Decrypt(cx)) < FreshTolerance); // the source is untouched
    }

    private static double[] Zip(double[] a, double[] b, Func<double, double, double> op) => a.Zip(b, op).ToArray();
}
