using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Thestage.Inference.Compilation;
using Thestage.Inference.Runtime;
using Thestage.Server;

namespace Thestage.Cli.Workflow;

/// <summary>
/// <c>thestage serve --model PKG --port P --api-key-file F [--host H] [--max-answers-per-keys N] [--max-sessions N]
/// [--max-sessions-per-client N]</c>: serves a compiled model over gRPC
/// (<see cref="InferenceServer"/>, docs/serving.md) until Ctrl+C. It listens on 127.0.0.1 unless <c>--host</c> says
/// otherwise (another address needs TLS, which the library's <see cref="ServerOptions.Certificate"/> configures). The API
/// key file holds one key per line, readable by its owner only; when it does not exist, serve creates it with one new key
/// (256 random bits) for the operator to hand to a client. <c>--max-answers-per-keys</c> sets
/// <see cref="ServingLimits.MaxAnswersPerKeys"/> (answers under one client's evaluation keys; the output flood is sized for
/// that many; none by default), refused with exit code 2 when it is not a positive integer or its flood does not fit the
/// plan's outputs. <c>--max-sessions</c> and <c>--max-sessions-per-client</c> set <see cref="ServingLimits.MaxSessions"/> (open
/// sessions in all, whatever the number of clients) and <see cref="ServingLimits.MaxSessionsPerClient"/> (per API key); their
/// defaults are the library's. Logs go to standard error; the result (<c>--json</c>: one
/// object) is printed once the server listens.
/// </summary>
internal static class ServeVerb
{
    public static Command Command()
    {
        Option<string> model = CliOptions.InputPath("--model", $"The package directory made by thestage compile (or its {WorkflowFiles.Package})");
        Option<int> port = CliOptions.Count("--port", "The port to listen on (0 takes a free one, printed)", 0, 65535, 5021);
        Option<string> keyFile = CliOptions.OutputFile("--api-key-file", "The API keys accepted, one per line, readable by the owner only; created with one new key when missing");
        Option<string> host = new("--host")
        {
            Description = "The address to listen on: 127.0.0.1 (this machine only) by default; another address needs TLS",
            HelpName = "address",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        Option<int?> maxAnswers = CliOptions.OptionalCount(
            "--max-answers-per-keys",
            "The answers given under one client's evaluation keys, over all its sessions; outputs are flooded for that many (about ½·log2 N bits of precision). Default: no limit, flooded for one",
            1,
            int.MaxValue);
        var defaults = new ServingLimits();
        Option<int> maxSessions = CliOptions.Count(
            "--max-sessions", $"The sessions open at once in all, whatever the number of clients (default {defaults.MaxSessions})", 1, int.MaxValue, defaults.MaxSessions);
        Option<int> maxSessionsPerClient = CliOptions.Count(
            "--max-sessions-per-client", $"The sessions one API key may hold open at once (default {defaults.MaxSessionsPerClient})", 1, int.MaxValue, defaults.MaxSessionsPerClient);
        var command = new Command("serve", "Serves a compiled model over gRPC to clients with an API key: they upload their evaluation keys once and send encrypted requests; the server never holds a secret key, and its outputs leave flooded.")
        {
            model, port, keyFile, host, maxAnswers, maxSessions, maxSessionsPerClient,
        };
        command.SetAction((result, token) => Program.Run(result, terminal =>
            Run(result.GetValue(model)!, result.GetValue(port), result.GetValue(keyFile)!, result.GetValue(host)!, terminal, token, new ServingLimits
            {
                MaxAnswersPerKeys = result.GetValue(maxAnswers),
                MaxSessions = result.GetValue(maxSessions),
                MaxSessionsPerClient = result.GetValue(maxSessionsPerClient),
            })));
        return command;
    }

    private static int Run(string model, int port, string keyFile, string host, Terminal terminal, CancellationToken cancellationToken, ServingLimits limits)
    {
        int? maxAnswers = limits.MaxAnswersPerKeys;
        bool created = false;
        if (!File.Exists(keyFile))
        {
            ApiKeyRing.CreateKeyFile(keyFile);
            created = true;
        }

        WorkflowFiles.RequireOwnerOnly(keyFile);
        ApiKeyRing keys = ApiKeyRing.FromFile(keyFile);
        string packagePath = WorkflowFiles.FileOrIn(model, WorkflowFiles.Package, "made by thestage compile");
        var clock = Stopwatch.StartNew();
        PreparedModel prepared = terminal.Step("loading and preparing the model", () => WorkflowFiles.Load(packagePath, WorkflowFiles.MaxLarge, "a model package", b => ModelPackage.FromBytes(b)).Prepare());
        double prepareSeconds = clock.Elapsed.TotalSeconds;
        var options = new ServerOptions
        {
            Host = host,
            Port = port,
            Limits = limits,
            Logging = logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(terminal.Json ? LogLevel.Warning : LogLevel.Information)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddFilter("Grpc", LogLevel.Warning),
        };
        InferenceServer server;
        try
        {
            server = InferenceServer.StartAsync(prepared, keys, options, cancellationToken).GetAwaiter().GetResult();
        }
        catch (ArgumentOutOfRangeException e) when (maxAnswers is not null && e.ParamName != "options")
        {
            throw new UsageException($"--max-answers-per-keys {maxAnswers}: {WorkflowFiles.Reason(e)}");
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--host {host}: {WorkflowFiles.Reason(e)}");
        }

        try
        {
            if (created)
            {
                terminal.Line($"created {keyFile} with a new API key: give it to a client (it reads the first key of the file)");
            }

            terminal.Line($"listening on {server.Address} ({keys.Count} API key(s), model prepared in {prepareSeconds:F2} s); Ctrl+C stops");
            terminal.Result(new
            {
                Command = "serve",
                Passed = true,
                Address = server.Address.ToString(),
                ApiKeys = keys.Count,
                ApiKeyFileCreated = created,
                MaxAnswersPerKeys = options.Limits.MaxAnswersPerKeys,
                MaxSessions = options.Limits.MaxSessions,
                MaxSessionsPerClient = options.Limits.MaxSessionsPerClient,
                PrepareSeconds = prepareSeconds,
                PlanFingerprint = Convert.ToHexStringLower(prepared.Plan.Fingerprint),
            });
            Console.Out.Flush();
            try
            {
                server.WaitForShutdownAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: the calls in progress finish (for up to 10 s), then the server stops.
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                server.StopAsync(grace.Token).GetAwaiter().GetResult();
            }

            terminal.Line("stopped");
            return 0;
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
