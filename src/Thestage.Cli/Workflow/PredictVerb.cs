using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Artifacts;
using Thestage.Models;
using Thestage.Models.Onnx;

namespace Thestage.Cli.Workflow;

/// <summary><c>thestage predict MODEL.onnx --input X.csv --out P.csv</c>: the plain reference evaluation, in doubles, of the imported model.</summary>
internal static class PredictVerb
{
    public static Command Command()
    {
        Argument<string> model = CliOptions.ModelFile();
        Option<string> input = CliOptions.InputFile("--input", "The samples: a CSV, one sample per line, no header, the model's input flattened in C order");
        Option<string> output = CliOptions.OutputFile("--out", "Where the outputs go: a CSV, one line per sample, round-trip precision");
        var command = new Command("predict", "Plain reference evaluation of an ONNX model on the samples of a CSV (no encryption, no proof): the outputs the encrypted and the proven evaluations are measured against.")
        {
            model, input, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(model)!, result.GetValue(input)!, result.GetValue(output)!, terminal, token)));
        return command;
    }

    private static int Run(string modelPath, string inputPath, string outputPath, Terminal terminal, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        Sequential model = WorkflowFiles.Named(modelPath, () => OnnxImporter.ImportFile(modelPath));
        double importSeconds = clock.Elapsed.TotalSeconds;
        terminal.Line($"imported {modelPath}: {model.InputShape} → {model.OutputShape}, {model.Layers.Count} layers ({importSeconds * 1000:F0} ms)");
        double[][] samples = WorkflowFiles.ReadCsv(inputPath, model.InputShape.Size, WorkflowFiles.MaxSamples);

        clock.Restart();
        double[][] outputs = terminal.Step($"evaluating {samples.Length} samples", samples.Length, step =>
        {
            var rows = new double[samples.Length][];
            for (int i = 0; i < samples.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rows[i] = model.Evaluate(samples[i]);
                step.Done(i + 1);
            }

            return rows;
        });
        double evaluateSeconds = clock.Elapsed.TotalSeconds;
        WorkflowFiles.Write(outputPath, SampleCsv.Format(outputs));
        terminal.Line($"wrote {outputPath}: {outputs.Length} samples × {model.OutputShape.Size} outputs ({WorkflowFiles.Shown(WorkflowFiles.Size(outputPath))}) in {evaluateSeconds * 1000:F0} ms");
        terminal.Result(new
        {
            Command = "predict",
            Passed = true,
            Model = modelPath,
            Layers = model.Layers.Count,
            InputSize = model.InputShape.Size,
            OutputSize = model.OutputShape.Size,
            Samples = samples.Length,
            ImportSeconds = importSeconds,
            EvaluateSeconds = evaluateSeconds,
            Out = outputPath,
            OutBytes = WorkflowFiles.Size(outputPath),
        });
        return 0;
    }
}
