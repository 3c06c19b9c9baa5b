using System.Diagnostics;
using System.Globalization;
using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Cli;

/// <summary>
/// The CKKS walk-through: the inference-like workload of the SEAL anchor (a plaintext weight, a bias, a full
/// rotate-and-sum, a square) on encrypted data, checked against the same computation on doubles.
/// </summary>
internal static class CkksDemo
{
    public static int Run(CkksOptions options, Terminal terminal, CancellationToken cancellationToken)
    {
        int n = options.N, runs = options.Runs;
        int[] coeffBits = n switch
        {
            8192 => [60, 40, 40, 60],
            16384 => [60, 40, 40, 40, 40, 40, 40, 60],
            _ => [60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40, 60],
        };
        const double scale = 1L << 40;

        terminal.Line($"Thestage.Privacy — RNS-CKKS in managed C# ({Environment.ProcessorCount} cores, .NET {Environment.Version})");
        var sw = Stopwatch.StartNew();
        var context = new CkksContext(new CkksParameters(n, coeffBits));
        terminal.Line($"parameters: N = {n}, coefficient modulus {{{string.Join(", ", coeffBits)}}} bits = {context.TotalCoeffModulusBitCount} bits " +
            $"(128-bit limit {SecurityStandard.MaxCoeffModulusBitCount(n, SecurityLevel.Tc128)}), scale 2^40, {context.SlotCount} slots; context {Ms(sw)}");

        int slots = context.SlotCount;
        int[] steps = Enumerable.Range(0, System.Numerics.BitOperations.Log2((uint)slots)).Select(k => 1 << k).ToArray();
        sw.Restart();
        var keygen = new KeyGenerator(context);
        (PublicKey pk, RelinKeys rk, GaloisKeys gk) = terminal.Step("key generation", steps.Length + 2, step =>
        {
            PublicKey publicKey = keygen.CreatePublicKey();
            step.Done(1, "key generation: relinearization key");
            cancellationToken.ThrowIfCancellationRequested();
            RelinKeys relinKeys = keygen.CreateRelinKeys();
            step.Done(2, $"key generation: {steps.Length} Galois keys");
            cancellationToken.ThrowIfCancellationRequested();
            return (publicKey, relinKeys, keygen.CreateGaloisKeys(steps));
        });
        double keyMs = sw.Elapsed.TotalMilliseconds;
        terminal.Line($"keys: secret, public, relinearization and {gk.Count} Galois keys (steps 1, 2, 4, …, {slots / 2}) in {Ms(sw)}");

        var encoder = new CkksEncoder(context);
        var encryptor = new Encryptor(context, pk);
        var decryptor = new Decryptor(context, keygen.SecretKey);
        var evaluator = new Evaluator(context);

        var random = new Random(2026);
        double[] x = Enumerable.Range(0, slots).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        double[] w = Enumerable.Range(0, slots).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        const double bias = 0.25;

        // Plain reference: y = (Σᵢ xᵢ·wᵢ / slots + bias)² in every slot.
        double dot = 0;
        for (int i = 0; i < slots; i++)
        {
            dot += x[i] * w[i];
        }

        double expected = Math.Pow(dot / slots + bias, 2);
        double[] wScaled = w.Select(v => v / slots).ToArray();

        string[] stages = ["encode", "encrypt (public key)", "multiply plain", "rescale", "add plain", $"{steps.Length} × (rotate + add)", "square", "relinearize", "rescale ", "decrypt", "decode"];
        var times = stages.ToDictionary(s => s, _ => new List<double>());
        double maxError = 0;
        Plaintext wPlain = encoder.Encode(wScaled, scale);
        terminal.Step($"workload, {runs} runs", runs, progress =>
        {
            for (int run = 0; run < runs; run++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var t = Stopwatch.StartNew();
                Plaintext xPlain = encoder.Encode(x, scale);
                Lap(times, "encode", t);
                Ciphertext c = encryptor.Encrypt(xPlain);
                Lap(times, "encrypt (public key)", t);
                evaluator.MultiplyPlainInplace(c, wPlain);
                Lap(times, "multiply plain", t);
                evaluator.RescaleToNextInplace(c);
                Lap(times, "rescale", t);
                Plaintext b = encoder.Encode(bias / slots, c.Scale, c.Level);
                evaluator.AddPlainInplace(c, b); // bias/slots in every slot sums to bias
                Lap(times, "add plain", t);
                foreach (int step in steps)
                {
                    evaluator.AddInplace(c, evaluator.RotateVector(c, step, gk));
                }

                Lap(times, $"{steps.Length} × (rotate + add)", t);
                evaluator.SquareInplace(c);
                Lap(times, "square", t);
                evaluator.RelinearizeInplace(c, rk);
                Lap(times, "relinearize", t);
                evaluator.RescaleToNextInplace(c);
                Lap(times, "rescale ", t);
                Plaintext result = decryptor.Decrypt(c);
                Lap(times, "decrypt", t);
                double[] y = encoder.Decode(result);
                Lap(times, "decode", t);
                maxError = Math.Max(maxError, y.Max(v => Math.Abs(v - expected)));
                progress.Done(run + 1);
            }

            return 0;
        });

        double server = stages[2..9].Sum(s => Median(times[s]));
        double bits = -Math.Log2(maxError);
        bool passed = maxError < 1e-4;
        terminal.Line();
        terminal.Table($"workload (median of {runs} runs): y = (Σ xᵢwᵢ/{slots} + 0.25)² in every slot, x, w uniform in [−1, 1]", ["stage", "ms"],
            stages.Select(stage => new[] { stage.TrimEnd(), Median(times[stage]).ToString("F2", CultureInfo.InvariantCulture) })
                .Append(["server part", server.ToString("F2", CultureInfo.InvariantCulture)]));
        terminal.Line($"result {expected:F9} (plain), max abs error over {slots} slots {maxError:E2} = {bits:F1} bits of precision");
        terminal.Line(passed ? "check: max error below 1e-4 — passed" : "check: max error below 1e-4 — FAILED");
        terminal.Result(new
        {
            Command = "ckks",
            Passed = passed,
            N = n,
            CoeffModulusBits = coeffBits,
            Slots = slots,
            Runs = runs,
            KeyGenerationMs = keyMs,
            GaloisKeys = gk.Count,
            Stages = stages.Select(stage => new { Stage = stage.TrimEnd(), MedianMs = Median(times[stage]) }).ToArray(),
            ServerMs = server,
            Expected = expected,
            MaxError = maxError,
            PrecisionBits = bits,
        });
        return passed ? 0 : Program.Failed;
    }

    private static void Lap(Dictionary<string, List<double>> times, string stage, Stopwatch t)
    {
        times[stage].Add(t.Elapsed.TotalMilliseconds);
        t.Restart();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static string Ms(Stopwatch sw) => $"{sw.Elapsed.TotalMilliseconds:F0} ms";
}
