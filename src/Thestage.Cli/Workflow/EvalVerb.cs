using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Compilation;
using Thestage.Inference.Runtime;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage eval --model PKG --keys KEYS/evaluation.keys --in REQ --out RESP</c>: the server evaluates a request with the
/// client's evaluation keys. It takes the evaluation-key file only: a directory is refused (it would hold the secret key
/// beside them), and a file that is a CKKS object rather than a bundle (a secret key) is refused after its first bytes.
/// </summary>
internal static class EvalVerb
{
    public static Command Command()
    {
        Option<string> model = CliOptions.InputPath("--model", $"The package directory made by thestage compile (or its {WorkflowFiles.Package})");
        Option<string> keys = new("--keys")
        {
            Description = $"The client's evaluation keys, the file {WorkflowFiles.EvaluationKeys} (TSEK) — never the key directory, never a secret key",
            HelpName = "file",
            Required = true,
            CustomParser = r =>
            {
                string? value = r.Tokens.Count == 1 && !r.Tokens[0].Value.StartsWith("--", StringComparison.Ordinal) ? r.Tokens[0].Value : null;
                string? error = value is null ? "--keys" + Program.NeedsAValue
                    : Directory.Exists(value) ? $"--keys takes the evaluation-key file ({Path.Combine(value, WorkflowFiles.EvaluationKeys)}), not a directory: eval never reads a key directory, which holds the secret key"
                    : !File.Exists(value) ? $"--keys: '{value}': no such file"
                    : null;
                if (error is not null)
                {
                    r.AddError(error);
                }

                return value ?? string.Empty;
            },
        };
        Option<string> input = CliOptions.InputFile("--in", "The client's request (TSRQ)");
        Option<string> output = CliOptions.OutputFile("--out", "Where the response goes (TSRS): send it back to the client");
        var command = new Command("eval", "Evaluates an encrypted request on the model with the client's evaluation keys (the server never holds a secret key); the outputs leave re-randomized and flooded.")
        {
            model, keys, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(keys)!, result.GetValue(input)!, result.GetValue(output)!, terminal, token)));
        return command;
    }

    private static int Run(string model, string keysPath, string inputPath, string outputPath, Terminal terminal, CancellationToken cancellationToken)
    {
        RefuseCkksObject(keysPath);
        string packagePath = WorkflowFiles.FileOrIn(model, WorkflowFiles.Package, "made by thestage compile");
        var clock = Stopwatch.StartNew();
        PreparedModel prepared = terminal.Step("loading and preparing the model", () => WorkflowFiles.Load(packagePath, WorkflowFiles.MaxLarge, "a model package", b => ModelPackage.FromBytes(b)).Prepare());
        double prepareSeconds = clock.Elapsed.TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();

        clock.Restart();
        EvaluationKeys keys = WorkflowFiles.Load(keysPath, WorkflowFiles.MaxLarge, "an evaluation-key bundle", b => prepared.LoadEvaluationKeys(b));
        var session = new EncryptedModel(prepared, keys);
        double keySeconds = clock.Elapsed.TotalSeconds;
        byte[] request = WorkflowFiles.Read(inputPath, WorkflowFiles.MaxLarge, "a request");
        cancellationToken.ThrowIfCancellationRequested();

        clock.Restart();
        byte[] response = terminal.Step("evaluating the encrypted request", () => WorkflowFiles.Named(inputPath, () => session.EvaluateRequest(request)));
        double evaluateSeconds = clock.Elapsed.TotalSeconds;
        WorkflowFiles.Write(outputPath, response);
        terminal.Line($"model prepared in {prepareSeconds:F2} s, keys loaded in {keySeconds:F2} s, request ({WorkflowFiles.Shown(request.Length)}) evaluated in {evaluateSeconds:F2} s: {outputPath} ({WorkflowFiles.Shown(response.Length)})");
        terminal.Result(new
        {
            Command = "eval",
            Passed = true,
            PrepareSeconds = prepareSeconds,
            KeySeconds = keySeconds,
            EvaluateSeconds = evaluateSeconds,
            RequestBytes = request.Length,
            ResponseBytes = response.Length,
            Out = outputPath,
        });
        return 0;
    }

    /// <summary>Refuses, from its first four bytes and before reading the rest, a file that is a single CKKS object (a secret key) instead of a bundle.</summary>
    private static void RefuseCkksObject(string path)
    {
        Span<byte> magic = stackalloc byte[4];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1))
        {
            if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4 || !magic.SequenceEqual("TSPV"u8))
            {
                return;
            }
        }

        throw new InvalidDataException($"{path} is a single CKKS object (magic \"TSPV\", as a secret key is), not an evaluation-key bundle (\"TSEK\"): eval takes {WorkflowFiles.EvaluationKeys} and never a secret key");
    }
}
