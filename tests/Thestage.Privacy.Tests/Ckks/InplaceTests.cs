using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

/// <summary>
/// The in-place operations (each written over its operand's buffer, reusing the room a shrinking operation left) give
/// exactly the words, level and scale of the operations that return a new ciphertext.
/// </summary>
public sealed class InplaceTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void Each_in_place_operation_matches_the_one_returning_a_new_ciphertext()
    {
        Evaluator e = f.Evaluator;
        Ciphertext x = f.Encrypt(CkksFixture.RandomValues(11, 4096));
        Ciphertext y = f.Encrypt(CkksFixture.RandomValues(12, 4096));

        AssertInPlace(e.RescaleToNext(e.Relinearize(e.Square(x), f.RelinKeys)), c => { e.SquareInplace(c); e.RelinearizeInplace(c, f.RelinKeys); e.RescaleToNextInplace(c); }, x);
        AssertInPlace(e.Square(x), e.SquareInplace, x);
        AssertInPlace(e.Multiply(x, y), c => e.MultiplyInplace(c, y), x);
        AssertInPlace(e.Multiply(x, x), c => e.MultiplyInplace(c, c), x);
        AssertInPlace(e.Relinearize(e.Multiply(x, y), f.RelinKeys), c => e.RelinearizeInplace(c, f.RelinKeys), e.Multiply(x, y));
        AssertInPlace(e.RescaleToNext(e.Multiply(x, y)), e.RescaleToNextInplace, e.Multiply(x, y));
        AssertInPlace(e.ModSwitchToNext(x), e.ModSwitchToNextInplace, x);
        AssertInPlace(e.RotateVector(x, 1, f.GaloisKeys), c => e.RotateVectorInplace(c, 1, f.GaloisKeys), x);
        AssertInPlace(e.RotateVector(x, -3, f.GaloisKeys), c => e.RotateVectorInplace(c, -3, f.GaloisKeys), x); // composed: no key for 3
        AssertInPlace(e.Conjugate(x, f.GaloisKeys), c => e.ConjugateInplace(c, f.GaloisKeys), x);
    }

    [Fact]
    public void A_chain_of_in_place_operations_reuses_one_buffer_and_matches_the_allocating_chain()
    {
        Evaluator e = f.Evaluator;
        Ciphertext x = f.Encrypt(CkksFixture.RandomValues(13, 4096));
        Plaintext w = f.Encoder.Encode(CkksFixture.RandomValues(14, 4096), CkksFixture.Scale);

        Ciphertext expected = e.RescaleToNext(e.MultiplyPlain(x, w));
        expected = e.Add(expected, e.RotateVector(expected, 4, f.GaloisKeys));
        expected = e.RescaleToNext(e.Relinearize(e.Square(expected), f.RelinKeys));

        Ciphertext c = e.MultiplyPlain(x, w);
        ulong[] buffer = c.Data;
        var rotated = new Ciphertext(c);
        e.RescaleToNextInplace(c);
        e.RotateVector(c, 4, f.GaloisKeys, rotated);
        e.AddInplace(c, rotated);
        e.SquareInplace(c); // size 3 at level 1 fits the size-2, level-2 buffer the product had
        e.RelinearizeInplace(c, f.RelinKeys);
        e.RescaleToNextInplace(c);
        AssertSame(expected, c);
        Assert.Same(buffer, c.Data);
    }

    [Fact]
    public void Rotating_into_a_destination_of_another_shape_gives_the_rotation()
    {
        Evaluator e = f.Evaluator;
        Ciphertext x = e.RescaleToNext(f.Encrypt(CkksFixture.RandomValues(15, 4096)));
        Ciphertext destination = e.Square(f.Encrypt(CkksFixture.RandomValues(16, 4096))); // size 3, top level
        e.RotateVector(x, 2, f.GaloisKeys, destination);
        AssertSame(e.RotateVector(x, 2, f.GaloisKeys), destination);
        var small = e.ModSwitchTo(f.Encrypt(CkksFixture.RandomValues(17, 8)), 0); // too small: replaced
        e.RotateVector(x, 0, f.GaloisKeys, small);
        AssertSame(x, small);
    }

    [Fact]
    public void A_copy_of_a_ciphertext_with_room_to_spare_holds_only_its_words()
    {
        Evaluator e = f.Evaluator;
        Ciphertext c = f.Encrypt(CkksFixture.RandomValues(18, 4096));
        e.RescaleToNextInplace(c);
        var copy = new Ciphertext(c);
        Assert.Equal(c.Length, copy.Data.Length);
        AssertSame(c, copy);
        Assert.Equal(f.Decrypt(c), f.Decrypt(copy));
    }

    private static void AssertInPlace(Ciphertext expected, Action<Ciphertext> inPlace, Ciphertext source)
    {
        var c = new Ciphertext(source);
        inPlace(c);
        AssertSame(expected, c);
    }

    private static void AssertSame(Ciphertext expected, Ciphertext actual)
    {
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Level, actual.Level);
        Assert.Equal(expected.Scale, actual.Scale);
        Assert.True(expected.Data.AsSpan(0, expected.Length).SequenceEqual(actual.Data.AsSpan(0, actual.Length)), "the words differ");
    }
}
