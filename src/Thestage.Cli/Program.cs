using System.CommandLine;
using System.CommandLine.Parsing;

namespace Thestage.Cli;

/// <summary>
/// The <c>thestage</c> command, on System.CommandLine: one verb per job, help per verb (<c>thestage VERB --help</c>),
/// completion through the <c>[suggest]</c> directive (dotnet-suggest), and <c>--json</c> for scripts.
/// Exit codes: 0 success, 1 a failed check or a failure while running (missing or malformed data, an error of the
/// library), 2 a command line that cannot run, 130 interrupted (Ctrl+C, at the next step boundary). Options are parsed
/// and validated before anything runs; every failure prints one line, <c>error: …</c>, on standard error — never a
/// stack trace.
/// </summary>
internal static class Program
{
    /// <summary>The exit code of a failed check or a failure while running.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of a command line that cannot run.</summary>
    public const int BadUsage = 2;

    /// <summary>The exit code of a run stopped by Ctrl+C.</summary>
    public const int Interrupted = 130;

    private const string ExitCodes = "exit codes: 0 success, 1 a failed check or an error while running, 2 a command line that cannot run, 130 interrupted.";

    /// <summary>The end of the message for an option given without its value.</summary>
    internal const string NeedsAValue = " needs a value";

    private static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print only the result, as one JSON object on standard output (errors stay one line on standard error)",
        Recursive = true,
        Arity = ArgumentArity.Zero,
    };

    internal static async Task<int> Main(string[] args)
    {
        RootCommand root = Root();
        ParseResult result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
        {
            Error($"{Describe(result)} (see thestage help)");
            return BadUsage;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (OperationCanceledException)
        {
            Error("interrupted");
            return Interrupted;
        }
    }

    /// <summary>Runs a verb's work with the output its <c>--json</c> asks for, turning every failure into one line and its exit code.</summary>
    internal static Task<int> Run(ParseResult result, Func<Terminal, int> work)
    {
        var terminal = new Terminal(result.GetValue(JsonOption));
        try
        {
            return Task.FromResult(work(terminal));
        }
        catch (UsageException e)
        {
            Error($"{e.Message} (see thestage help)");
            return Task.FromResult(BadUsage);
        }
        catch (OperationCanceledException)
        {
            Error("interrupted");
            return Task.FromResult(Interrupted);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Error(e.Message);
            return Task.FromResult(Failed);
        }
        catch (Exception e)
        {
            // A failure of the library (for example parameters it refuses): one line with its kind, no stack trace.
            Error($"{e.Message} ({e.GetType().Name})");
            return Task.FromResult(Failed);
        }
    }

    private static RootCommand Root()
    {
        var root = new RootCommand($"thestage — compute on data you may not see.\n{ExitCodes}")
        {
            JsonOption,
            DemoOptions.Command(InferenceDemo.Run),
            CkksOptions.Command(CkksDemo.Run),
            TrainingOptions.Command(TrainingDemo.Run),
        };
        Command[] workflow = Workflow.WorkflowVerbs.Commands();
        foreach (Command command in workflow)
        {
            root.Subcommands.Add(command);
        }

        var verb = new Argument<string?>("verb") { Description = "The verb to describe", Arity = ArgumentArity.ZeroOrOne };
        verb.CompletionSources.Add(["demo", "ckks", "train", .. workflow.Select(c => c.Name)]);
        var help = new Command("help", "Show the help of thestage, or of one verb") { verb };
        help.SetAction(result =>
        {
            string[] target = result.GetValue(verb) is string name ? [name, "--help"] : ["--help"];
            return root.Parse(target).Invoke();
        });
        root.Subcommands.Add(help);
        return root;
    }

    // The first parse error as one line, in the words the verbs use: an unknown option or command, an option without
    // its value, or the option's own message (type, range, directory).
    private static string Describe(ParseResult result)
    {
        // An option that took the next option as its value leaves that option's value unmatched: name the first cause.
        if (result.Errors.FirstOrDefault(e => e.Message.EndsWith(NeedsAValue, StringComparison.Ordinal)) is ParseError missing)
        {
            return missing.Message;
        }

        if (result.UnmatchedTokens.Count > 0)
        {
            string token = result.UnmatchedTokens[0];
            return token.StartsWith('-') ? $"unknown option '{token}'"
                : result.CommandResult.Command is RootCommand ? $"unknown command '{token}'"
                : $"unexpected argument '{token}'";
        }

        ParseError error = result.Errors[0];
        return error.SymbolResult is OptionResult { Tokens.Count: 0, Implicit: false } option && option.Option.Arity.MinimumNumberOfValues > 0
            ? option.Option.Name + NeedsAValue
            : error.Message;
    }

    /// <summary>Prints a failure as the one line on standard error: <c>error: …</c>.</summary>
    internal static void Error(string message) => Console.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");
}
