using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Artifacts;
using Thestage.Inference.Runtime;

namespace Thestage.Cli.Workflow;

/// <summary><c>thestage decrypt --keys KEYS --in RESP --out Y.csv</c>: the client decrypts the server's response into the outputs.</summary>
internal static class DecryptVerb
{
    public static Command Command()
    {
        Option<string> keys = CliOptions.InputDirectory("--keys", $"The key directory made by thestage keys ({WorkflowFiles.SecretKey}, {WorkflowFiles.Plan})");
        Option<string> input = CliOptions.InputFile("--in", "The server's response (TSRS)");
        Option<string> output = CliOptions.OutputFile("--out", "Where the outputs go: a CSV, one line per sample, round-trip precision");
        var command = new Command("decrypt", "Decrypts the server's response with the client's secret key into a CSV of outputs, one line per sample of the request.")
        {
            keys, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(keys)!, result.GetValue(input)!, result.GetValue(output)!, terminal)));
        return command;
    }

    private static int Run(string keys, string inputPath, string outputPath, Terminal terminal)
    {
        using InferenceClient client = EncryptVerb.Client(keys);
        byte[] response = WorkflowFiles.Read(inputPath, WorkflowFiles.MaxLarge, "a response");
        var clock = Stopwatch.StartNew();
        double[][] outputs = terminal.Step("decrypting", () => WorkflowFiles.Named(inputPath, () => client.DecryptResponse(response)));
        double seconds = clock.Elapsed.TotalSeconds;
        WorkflowFiles.Write(outputPath, SampleCsv.Format(outputs));
        terminal.Line($"decrypted {outputs.Length} samples × {client.Plan.OutputLength} outputs in {seconds:F2} s: {outputPath}");
        terminal.Result(new
        {
            Command = "decrypt",
            Passed = true,
            Samples = outputs.Length,
            OutputSize = client.Plan.OutputLength,
            DecryptSeconds = seconds,
            Out = outputPath,
        });
        return 0;
    }
}
