using System.CommandLine;
using System.Diagnostics;
using Thestage.Inference.Planning;
using Thestage.Inference.Runtime;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage keys --plan PKG --out KEYS</c>: the client's keys for a plan — <c>KEYS/secret.key</c> (mode 0600, never sent),
/// <c>KEYS/evaluation.keys</c> (for the server) and a copy of the plan (<c>KEYS/plan.tspl</c>, which encrypt and decrypt read).
/// </summary>
internal static class KeysVerb
{
    public static Command Command()
    {
        Option<string> plan = CliOptions.InputPath("--plan", $"The plan: a {WorkflowFiles.Plan} file, or the package directory holding it (a client needs only the plan, no weights)");
        Option<string> output = CliOptions.RequiredOutputDirectory("--out", $"The key directory (created): {WorkflowFiles.SecretKey} (secret, mode 0600), {WorkflowFiles.EvaluationKeys} (for the server), {WorkflowFiles.Plan}");
        var command = new Command("keys", "Creates a client's CKKS keys for a plan: the secret key stays in the key directory, the evaluation keys (public, relinearization and exactly the plan's Galois keys) go to the server.")
        {
            plan, output,
        };
        command.SetAction((result, token) => Program.Run(result, terminal => Run(result.GetValue(plan)!, result.GetValue(output)!, terminal, token)));
        return command;
    }

    private static int Run(string planOption, string directory, Terminal terminal, CancellationToken cancellationToken)
    {
        string secretPath = Path.Combine(directory, WorkflowFiles.SecretKey);
        if (File.Exists(secretPath))
        {
            throw new UsageException($"--out {directory}: {secretPath} exists, and keys never replaces a secret key (what was encrypted for it could no longer be decrypted); choose another directory or delete it");
        }

        string planPath = WorkflowFiles.FileOrIn(planOption, WorkflowFiles.Plan, "made by thestage compile");
        byte[] planBytes = WorkflowFiles.Read(planPath, WorkflowFiles.MaxMedium, "a plan");
        InferencePlan plan = WorkflowFiles.Named(planPath, () => InferencePlan.FromBytes(planBytes));
        double keySeconds = Make(plan, planBytes, directory, terminal, cancellationToken);
        string evaluationPath = Path.Combine(directory, WorkflowFiles.EvaluationKeys);
        terminal.Result(new
        {
            Command = "keys",
            Passed = true,
            Out = directory,
            N = plan.Parameters.PolyModulusDegree,
            GaloisKeys = plan.RotationSteps.Count,
            KeySeconds = keySeconds,
            SecretKeyBytes = WorkflowFiles.Size(secretPath),
            EvaluationKeyBytes = WorkflowFiles.Size(evaluationPath),
            PlanFingerprint = Convert.ToHexStringLower(plan.Fingerprint),
        });
        return 0;
    }

    /// <summary>
    /// Makes the keys of <paramref name="plan"/> (whose bytes are <paramref name="planBytes"/>) in <paramref name="directory"/> (the layout above; <c>thestage client</c>
    /// makes its keys here too) and returns the seconds key generation took. The caller checked that no secret key is there.
    /// </summary>
    internal static double Make(InferencePlan plan, byte[] planBytes, string directory, Terminal terminal, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var client = new InferenceClient(plan);
        int total = plan.RotationSteps.Count + 2;
        EvaluationKeys keys = terminal.Step($"creating keys (N = {plan.Parameters.PolyModulusDegree}, {plan.RotationSteps.Count} Galois keys)", total, step =>
            client.CreateEvaluationKeys(step.As<StepProgress>(p => p.Completed, p => $"creating keys: {p.Step}"), cancellationToken));
        double seconds = clock.Elapsed.TotalSeconds;
        string secretPath = Path.Combine(directory, WorkflowFiles.SecretKey), evaluationPath = Path.Combine(directory, WorkflowFiles.EvaluationKeys), copyPath = Path.Combine(directory, WorkflowFiles.Plan);
        WorkflowFiles.WriteSecret(secretPath, client.ExportSecretKey());
        WorkflowFiles.Write(evaluationPath, keys.ToBytes());
        WorkflowFiles.Write(copyPath, planBytes);
        terminal.Line($"keys made in {seconds:F1} s: {secretPath} ({WorkflowFiles.Shown(WorkflowFiles.Size(secretPath))}, secret: keep it here), "
            + $"{evaluationPath} ({WorkflowFiles.Shown(WorkflowFiles.Size(evaluationPath))}, send it to the server), {copyPath}");
        return seconds;
    }
}
