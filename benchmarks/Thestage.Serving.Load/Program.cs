using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Thestage.Client;
using Thestage.Inference.Artifacts;
using Thestage.Inference.Compilation;
using Thestage.Inference.Runtime;

namespace Thestage.Serving.Load;

/// <summary>
/// The load test of a running <c>thestage serve</c> (benchmarks/serving-load.sh runs it): N concurrent clients, each with
/// keys of its own, send M requests of S samples each (PredictAsync: encrypt, send, evaluate, decrypt), after one request
/// each to upload keys and warm up. It prints throughput, latency percentiles (end to end, as a client sees them), the
/// server's resident memory over the run (sampled from /proc when its process id is given), and the count of lost
/// (refused or failed) and mismatched responses: every response is decrypted and compared with the plain model of the
/// package (within 6τ of the flood plus 10⁻³ relative). Exit code 1 when any response is lost or mismatched.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        Dictionary<string, string> options = Parse(args);
        var server = new Uri(options["--server"]);
        string apiKey = File.ReadLines(options["--api-key-file"]).Select(l => l.Trim()).First(l => l.Length > 0 && !l.StartsWith('#'));
        ModelPackage package = ModelPackage.FromBytes(File.ReadAllBytes(Path.Combine(options["--model"], "model.tspk")));
        int clients = Int(options, "--clients", 8), requests = Int(options, "--requests", 5), perRequest = Int(options, "--samples", 1);
        int? serverPid = options.TryGetValue("--server-pid", out string? pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null;
        double[][] pool = SampleCsv.Parse(File.ReadAllBytes(options["--input"]), package.Plan.InputLength, 1 << 20);
        double tolerance = 6 * OutputFlooding.ForPlan(package.Plan).StandardDeviation;

        Console.WriteLine($"server {server}, {clients} clients × {requests} requests × {perRequest} samples, N = {package.Plan.Parameters.PolyModulusDegree}, {package.Plan.Packing} packing, {Environment.ProcessorCount} cores");
        var memory = new MemorySampler(serverPid);
        var clock = Stopwatch.StartNew();
        ServingClient[] connected = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ =>
            ServingClient.ConnectAsync(new ServingClientOptions { Server = server, ApiKey = apiKey, RetryFor = TimeSpan.FromSeconds(30) })));
        double connectSeconds = clock.Elapsed.TotalSeconds;
        long lost = 0, mismatched = 0;
        var latencies = new List<double>();
        try
        {
            // One request each first: uploads are done, and the first evaluation's one-time costs paid, before timing.
            await Task.WhenAll(connected.Select((c, i) => c.PredictAsync([pool[i % pool.Length]])));
            clock.Restart();
            double[][] perClient = await Task.WhenAll(connected.Select(async (client, c) =>
            {
                var own = new List<double>();
                for (int r = 0; r < requests; r++)
                {
                    double[][] samples = [.. Enumerable.Range(0, perRequest).Select(s => pool[((c * requests) + r + s) % pool.Length])];
                    long start = Stopwatch.GetTimestamp();
                    try
                    {
                        double[][] outputs = await client.PredictAsync(samples);
                        own.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                        if (!Matches(package, samples, outputs, tolerance))
                        {
                            Interlocked.Increment(ref mismatched);
                        }
                    }
                    catch (RpcException e)
                    {
                        Console.Error.WriteLine($"client {c}, request {r}: {e.StatusCode}: {e.Status.Detail}");
                        Interlocked.Increment(ref lost);
                    }
                }

                return own.ToArray();
            }));
            double seconds = clock.Elapsed.TotalSeconds;
            latencies.AddRange(perClient.SelectMany(l => l));
            latencies.Sort();
            int answered = latencies.Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"connect (keys made and uploaded by {clients} clients at once): {connectSeconds:F2} s; evaluation-key bundle {connected[0].EvaluationKeyBytes / 1048576.0:F1} MiB"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"requests: {answered} answered in {seconds:F2} s = {answered / seconds:F2} requests/s, {answered * perRequest / seconds:F2} samples/s"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"latency (encrypt, send, evaluate, decrypt): p50 {Percentile(latencies, 0.50):F3} s, p90 {Percentile(latencies, 0.90):F3} s, p99 {Percentile(latencies, 0.99):F3} s, max {latencies.LastOrDefault():F3} s"));
            Console.WriteLine(memory.Report());
            Console.WriteLine($"lost: {lost}, mismatched: {mismatched} (of {clients * requests})");
            return lost == 0 && mismatched == 0 ? 0 : 1;
        }
        finally
        {
            await memory.DisposeAsync();
            await Task.WhenAll(connected.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static bool Matches(ModelPackage package, double[][] samples, double[][] outputs, double tolerance)
    {
        for (int s = 0; s < samples.Length; s++)
        {
            double[] expected = package.Model.Evaluate(samples[s]);
            for (int j = 0; j < expected.Length; j++)
            {
                if (!(Math.Abs(expected[j] - outputs[s][j]) <= tolerance + (1e-3 * (1 + Math.Abs(expected[j])))))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // The nearest-rank percentile of sorted values.
    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static int Int(Dictionary<string, string> options, string name, int value) =>
        options.TryGetValue(name, out string? text) ? int.Parse(text, CultureInfo.InvariantCulture) : value;

    private static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i]] = args[i + 1];
        }

        foreach (string required in new[] { "--server", "--api-key-file", "--model", "--input" })
        {
            if (!options.ContainsKey(required))
            {
                Console.Error.WriteLine("usage: Thestage.Serving.Load --server URL --api-key-file F --model PKG --input X.csv [--clients 8] [--requests 5] [--samples 1] [--server-pid PID]");
                Environment.Exit(2);
            }
        }

        return options;
    }

    /// <summary>The server's resident set (VmRSS from /proc/PID/status) every 100 ms: at the start, its peak, at the end.</summary>
    private sealed class MemorySampler : IAsyncDisposable
    {
        private readonly int? _pid;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private long _first = -1, _peak, _last;

        public MemorySampler(int? pid)
        {
            _pid = pid;
            _sampling = pid is null ? Task.CompletedTask : Task.Run(Sample);
        }

        public string Report() => _pid is null
            ? "server memory: not sampled (give --server-pid)"
            : string.Create(CultureInfo.InvariantCulture, $"server resident memory: {_first / 1048576.0:F0} MiB at the start, peak {_peak / 1048576.0:F0} MiB, {_last / 1048576.0:F0} MiB at the end");

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _sampling;
            _stop.Dispose();
        }

        private async Task Sample()
        {
            while (!_stop.IsCancellationRequested)
            {
                string? line = File.ReadLines($"/proc/{_pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
                if (line is not null)
                {
                    long bytes = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                    _first = _first < 0 ? bytes : _first;
                    _peak = Math.Max(_peak, bytes);
                    _last = bytes;
                }

                await Task.Delay(100);
            }
        }
    }
}
