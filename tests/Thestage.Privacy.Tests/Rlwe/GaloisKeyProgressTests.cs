using Thestage.Privacy.Rlwe;
using Thestage.Privacy.Tests.Ckks;

namespace Thestage.Privacy.Tests.Rlwe;

/// <summary>
/// Galois key creation with progress and cancellation: one report per distinct key, in order, on the calling thread; a
/// cancelled token stops before the next key; keys made this way rotate as the others do.
/// </summary>
public sealed class GaloisKeyProgressTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void Every_distinct_key_is_reported_once_and_the_keys_rotate()
    {
        var reports = new List<(int Completed, int Total)>();
        int thread = Environment.CurrentManagedThreadId;

        // 3 and −2 twice, step 0 and step N/2 ≡ 0 ignored: three distinct keys with conjugation.
        GaloisKeys keys = f.KeyGenerator.CreateGaloisKeys(
            [3, -2, 3, 0, -2], includeConjugation: true, new Recorder(r => { Assert.Equal(thread, Environment.CurrentManagedThreadId); reports.Add(r); }));

        Assert.Equal([(1, 3), (2, 3), (3, 3)], reports);
        Assert.Equal(3, keys.Count);
        Assert.True(keys.HasStep(3) && keys.HasStep(-2) && keys.HasKey(f.Context.Galois.ConjugationElement));

        double[] x = CkksFixture.RandomValues(5, f.Encoder.SlotCount);
        double[] rotated = f.Decrypt(f.Evaluator.RotateVector(f.Encrypt(x), 3, keys));
        double[] expected = Enumerable.Range(0, x.Length).Select(i => x[(i + 3) % x.Length]).ToArray();
        Assert.True(CkksFixture.MaxError(expected, rotated) < 1e-5);
    }

    [Fact]
    public void A_token_cancelled_after_the_first_key_stops_before_the_second()
    {
        using var cancel = new CancellationTokenSource();
        var reports = new List<(int Completed, int Total)>();

        Assert.Throws<OperationCanceledException>(() => f.KeyGenerator.CreateGaloisKeysFromElements(
            [f.Context.Galois.ElementForStep(1), f.Context.Galois.ElementForStep(2), f.Context.Galois.ElementForStep(4)],
            new Recorder(r => { reports.Add(r); cancel.Cancel(); }),
            cancel.Token));

        Assert.Equal([(1, 3)], reports);
    }

    [Fact]
    public void A_token_cancelled_before_the_call_makes_no_key()
    {
        var reports = new List<(int Completed, int Total)>();
        Assert.Throws<OperationCanceledException>(() => f.KeyGenerator.CreateGaloisKeys([1], false, new Recorder(reports.Add), new CancellationToken(canceled: true)));
        Assert.Empty(reports);
    }

    [Fact]
    public void Invalid_elements_are_refused_before_any_key_is_made()
    {
        var reports = new List<(int Completed, int Total)>();
        Assert.Throws<ArgumentException>(() => f.KeyGenerator.CreateGaloisKeysFromElements([f.Context.Galois.ElementForStep(1), 2UL], new Recorder(reports.Add)));
        Assert.Empty(reports);
    }

    private sealed class Recorder(Action<(int Completed, int Total)> report) : IProgress<(int Completed, int Total)>
    {
        public void Report((int Completed, int Total) value) => report(value);
    }
}
