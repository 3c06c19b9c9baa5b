using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;
using Thestage.Privacy.Tensors;

namespace Thestage.Cli.Workflow;

/// <summary><c>thestage encrypt --keys KEYS --input X.csv --out REQ</c>: the client encrypts samples into one request (TSRQ) bound to the plan.</summary>
internal static class EncryptVerb
{
    public static Command Command()
    {
        Option<string> keys = CliOptions.InputDirectory("--keys", $"The key directory made by thestage keys ({WorkflowFiles.SecretKey}, {WorkflowFiles.Plan})");
        Option<string> input = CliOptions.InputFile("--input", "The samples: a CSV, one sample per line, no header, the model's input flattened in C order");
        Option<string> output = CliOptions.OutputFile("--out", "Where the request goes (TSRQ): send it to the server");
        var command = new Command("encrypt", "Encrypts the samples of a CSV under the client's secret key into one request for the server, bound to the plan by its fingerprint.")
        {
            keys, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(keys)!, result.GetValue(input)!, result.GetValue(output)!, terminal)));
        return command;
    }

    private static int Run(string keys, string inputPath, string outputPath, Terminal terminal)
    {
        using InferenceClient client = Client(keys);
        InferencePlan plan = client.Plan;
        double[][] samples = WorkflowFiles.ReadCsv(inputPath, plan.InputLength, WorkflowFiles.MaxSamples);
        var clock = Stopwatch.StartNew();
        byte[] request = terminal.Step($"encrypting {samples.Length} samples", () => client.EncryptRequest(samples));
        double seconds = clock.Elapsed.TotalSeconds;
        WorkflowFiles.Write(outputPath, request);
        int ciphertexts = plan.Packing == TensorPacking.Batch ? plan.InputLength * ((samples.Length + plan.SamplesPerCiphertext - 1) / plan.SamplesPerCiphertext) : samples.Length;
        terminal.Line($"encrypted {samples.Length} samples in {seconds:F2} s: {outputPath} ({WorkflowFiles.Shown(request.Length)}, {ciphertexts} ciphertexts)");
        terminal.Result(new
        {
            Command = "encrypt",
            Passed = true,
            Samples = samples.Length,
            Ciphertexts = ciphertexts,
            EncryptSeconds = seconds,
            Out = outputPath,
            RequestBytes = request.Length,
            PlanFingerprint = Convert.ToHexStringLower(plan.Fingerprint),
        });
        return 0;
    }

    /// <summary>The client of a key directory: its plan and its secret key (read, used, wiped).</summary>
    internal static InferenceClient Client(string keys)
    {
        InferencePlan plan = WorkflowFiles.Load(WorkflowFiles.In(keys, WorkflowFiles.Plan, "made by thestage keys"), WorkflowFiles.MaxMedium, "a plan", b => InferencePlan.FromBytes(b));
        string secretPath = WorkflowFiles.In(keys, WorkflowFiles.SecretKey, "made by thestage keys");
        byte[] secret = WorkflowFiles.ReadSecret(secretPath, WorkflowFiles.MaxMedium, "a secret key");
        try
        {
            return WorkflowFiles.Named(secretPath, () => new InferenceClient(plan, secret));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }
}
