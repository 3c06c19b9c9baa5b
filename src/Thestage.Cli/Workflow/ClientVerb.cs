using System.CommandLine;
using System.Diagnostics;
using Grpc.Core;
using Thestage.Client;
using Thestage.Inference.Artifacts;
using Thestage.Inference.Planning;
using Thestage.Server;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage client --server URL --api-key-file F --keys KEYS --input X.csv --out Y.csv</c>: a client of
/// <c>thestage serve</c>. It fetches the served plan, makes keys in KEYS when it holds none (as <c>thestage keys</c> does,
/// same layout), connects (<see cref="ServingClient"/>: the evaluation keys are uploaded once per server, content-addressed;
/// the secret key never leaves KEYS), encrypts the samples, sends them, decrypts the answer and writes the outputs as
/// <c>thestage decrypt</c> does. The API key file is a secret: refused when others may read it.
/// </summary>
internal static class ClientVerb
{
    public static Command Command()
    {
        Option<Uri> server = new("--server")
        {
            Description = "The server: http://127.0.0.1:PORT (as thestage serve prints it), or https://host:port",
            HelpName = "url",
            Required = true,
            CustomParser = r =>
            {
                string? value = r.Tokens.Count == 1 && !r.Tokens[0].Value.StartsWith("--", StringComparison.Ordinal) ? r.Tokens[0].Value : null;
                if (value is null)
                {
                    r.AddError("--server" + Program.NeedsAValue);
                    return null;
                }

                if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    r.AddError($"--server takes an http:// or https:// address; got '{value}'");
                    return null;
                }

                return uri;
            },
        };
        Option<string> keyFile = CliOptions.InputFile("--api-key-file", "The API key: a file whose first key line is sent (readable by the owner only)");
        Option<string> keys = CliOptions.RequiredOutputDirectory("--keys", $"The key directory: made (as by thestage keys) when it holds no keys; {WorkflowFiles.SecretKey} never leaves it");
        Option<string> input = CliOptions.InputFile("--input", "The samples: a CSV, one sample per line, no header, the model's input flattened in C order");
        Option<string> output = CliOptions.OutputFile("--out", "Where the outputs go: a CSV, one line per sample, round-trip precision");
        var command = new Command("client", "Sends samples, encrypted under the client's own keys, to a thestage server and decrypts its answers; the keys are made on first use and uploaded once.")
        {
            server, keyFile, keys, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal =>
            Run(result.GetValue(server)!, result.GetValue(keyFile)!, result.GetValue(keys)!, result.GetValue(input)!, result.GetValue(output)!, terminal, token)));
        return command;
    }

    private static int Run(Uri server, string keyFile, string keys, string inputPath, string outputPath, Terminal terminal, CancellationToken cancellationToken)
    {
        WorkflowFiles.RequireOwnerOnly(keyFile);
        var options = new ServingClientOptions { Server = server, ApiKey = ApiKeyRing.ReadClientKey(keyFile), KeyDirectory = keys, RetryFor = TimeSpan.FromSeconds(10) };
        try
        {
            double keySeconds = 0;
            bool made = !File.Exists(Path.Combine(keys, WorkflowFiles.SecretKey));
            if (made)
            {
                InferencePlan served = terminal.Step($"fetching the plan from {server}", () => ServingClient.GetPlanAsync(options, cancellationToken).GetAwaiter().GetResult());
                keySeconds = KeysVerb.Make(served, served.ToBytes(), keys, terminal, cancellationToken);
            }

            var clock = Stopwatch.StartNew();
            ServingClient client = terminal.Step($"connecting to {server}", () => ServingClient.ConnectAsync(options, cancellationToken).GetAwaiter().GetResult());
            try
            {
                double connectSeconds = clock.Elapsed.TotalSeconds;
                InferencePlan plan = client.Plan;
                double[][] samples = WorkflowFiles.ReadCsv(inputPath, plan.InputLength, WorkflowFiles.MaxSamples);
                clock.Restart();
                double[][] outputs = terminal.Step($"predicting {samples.Length} samples", () => client.PredictAsync(samples, cancellationToken).GetAwaiter().GetResult());
                double predictSeconds = clock.Elapsed.TotalSeconds;
                WorkflowFiles.Write(outputPath, SampleCsv.Format(outputs));
                terminal.Line($"{samples.Length} samples × {plan.OutputLength} outputs in {predictSeconds:F2} s (encrypt, send, evaluate, decrypt): {outputPath}; "
                    + (client.KeyUploads > 0 ? $"evaluation keys uploaded ({WorkflowFiles.Shown(client.EvaluationKeyBytes)})" : "the server held the evaluation keys already"));
                terminal.Result(new
                {
                    Command = "client",
                    Passed = true,
                    Server = server.ToString(),
                    Samples = samples.Length,
                    OutputSize = plan.OutputLength,
                    KeysMade = made,
                    KeySeconds = keySeconds,
                    KeyUploads = client.KeyUploads,
                    EvaluationKeyBytes = client.EvaluationKeyBytes,
                    ConnectSeconds = connectSeconds,
                    PredictSeconds = predictSeconds,
                    Out = outputPath,
                    PlanFingerprint = Convert.ToHexStringLower(plan.Fingerprint),
                });
                return 0;
            }
            finally
            {
                client.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"{server}: {e.StatusCode}: {e.Status.Detail}", e);
        }
    }
}
