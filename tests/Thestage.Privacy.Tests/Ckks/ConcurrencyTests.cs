using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Ckks;

public sealed class ConcurrencyTests(CkksFixture f) : IClassFixture<CkksFixture>
{
    [Fact]
    public void One_evaluator_serves_many_threads()
    {
        const int tasks = 8;
        var results = new double[tasks];
        Parallel.For(0, tasks, t =>
        {
            double[] x = CkksFixture.RandomValues(t, f.Encoder.SlotCount);
            Ciphertext c = f.Encrypt(x);
            Ciphertext sq = f.Evaluator.RescaleToNext(f.Evaluator.Relinearize(f.Evaluator.Square(c), f.RelinKeys));
            Ciphertext r = f.Evaluator.RotateVector(sq, t + 1, f.GaloisKeys);
            double[] expected = Enumerable.Range(0, x.Length).Select(i => x[(i + t + 1) % x.Length] * x[(i + t + 1) % x.Length]).ToArray();
            results[t] = CkksFixture.MaxError(expected, f.Decrypt(r));
        });
        Assert.All(results, e => Assert.True(e < 1e-6, $"error {e}"));
    }
}
