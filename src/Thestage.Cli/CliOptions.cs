using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Thestage.Cli;

/// <summary>
/// The option kinds the verbs share, on System.CommandLine, with one message style for every bad value: the option,
/// what it accepts and what it got (exit code 2, see <see cref="Program"/>).
/// </summary>
internal static class CliOptions
{
    /// <summary>An integer option in <c>[min, max]</c> with a default.</summary>
    public static Option<int> Count(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = $"{description} [{min}, {max}]",
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => Value(r, name, (string v, out int n) => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n) && n >= min && n <= max, v => $"{name} takes an integer in [{min}, {max}]; got '{v}'"),
    };

    /// <summary>An integer option in <c>[min, max]</c> without a default (null when the option is absent).</summary>
    public static Option<int?> OptionalCount(string name, string description, int min, int max) => new(name)
    {
        Description = $"{description} [{min}, {max}]",
        HelpName = "n",
        CustomParser = r => Value(r, name, (string v, out int? n) =>
        {
            bool valid = int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int parsed) && parsed >= min && parsed <= max;
            n = parsed;
            return valid;
        }, v => $"{name} takes an integer in [{min}, {max}]; got '{v}'"),
    };

    /// <summary>An integer option restricted to <paramref name="choices"/>, offered as completions.</summary>
    public static Option<int> Choice(string name, string description, int[] choices, int defaultValue)
    {
        string listed = string.Join(", ", choices[..^1]) + " or " + choices[^1];
        var option = new Option<int>(name)
        {
            Description = $"{description} ({listed})",
            HelpName = "n",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => Value(r, name, (string v, out int n) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out n) && choices.Contains(n), v => $"{name} takes {listed}; got '{v}'"),
        };
        option.CompletionSources.Add(choices.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray());
        return option;
    }

    /// <summary>An unsigned 64-bit integer option with a default.</summary>
    public static Option<ulong> UInt64(string name, string description, ulong defaultValue) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => Value(r, name, (string v, out ulong n) => ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out n), v => $"{name} takes an integer in [0, {ulong.MaxValue}]; got '{v}'"),
    };

    /// <summary>An existing directory (null when the option is absent).</summary>
    public static Option<string?> ExistingDirectory(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "dir",
        CustomParser = r => Value(r, name, (string v, out string? d) => System.IO.Directory.Exists(d = v), v => $"{name}: no directory '{v}'"),
    };

    /// <summary>A directory to write (created when missing; null when the option is absent).</summary>
    public static Option<string?> OutputDirectory(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "dir",
        CustomParser = r => Value(r, name, (string v, out string? d) => !File.Exists(d = v), v => $"{name}: '{v}' is a file, not a directory"),
    };

    /// <summary>A required existing file (a directory is refused with that reason).</summary>
    public static Option<string> InputFile(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "file",
        Required = true,
        CustomParser = r => Value(r, name, (string v, out string f) => File.Exists(f = v), v => Missing(name, v, Directory.Exists(v) ? "is a directory, not a file" : "no such file")),
    };

    /// <summary>A required existing directory.</summary>
    public static Option<string> InputDirectory(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "dir",
        Required = true,
        CustomParser = r => Value(r, name, (string v, out string d) => Directory.Exists(d = v), v => Missing(name, v, File.Exists(v) ? "is a file, not a directory" : "no such directory")),
    };

    /// <summary>A required existing file or directory (a directory stands for a file of a known name in it).</summary>
    public static Option<string> InputPath(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "path",
        Required = true,
        CustomParser = r => Value(r, name, (string v, out string p) => File.Exists(p = v) || Directory.Exists(v), v => Missing(name, v, "no such file or directory")),
    };

    /// <summary>An optional existing file or directory (null when the option is absent).</summary>
    public static Option<string?> OptionalInputPath(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "path",
        CustomParser = r => Value(r, name, (string v, out string? p) => File.Exists(p = v) || Directory.Exists(v), v => Missing(name, v, "no such file or directory")),
    };

    /// <summary>A required file to write (refused when it is an existing directory; its directory is created when missing).</summary>
    public static Option<string> OutputFile(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "file",
        Required = true,
        CustomParser = r => Value(r, name, (string v, out string f) => !Directory.Exists(f = v), v => $"{name}: '{v}' is a directory, not a file"),
    };

    /// <summary>A required directory to write (created when missing; refused when it is a file).</summary>
    public static Option<string> RequiredOutputDirectory(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "dir",
        Required = true,
        CustomParser = r => Value(r, name, (string v, out string d) => !File.Exists(d = v), v => $"{name}: '{v}' is a file, not a directory"),
    };

    /// <summary>The positional ONNX model of <c>predict</c> and <c>compile</c>: an existing file.</summary>
    public static Argument<string> ModelFile() => new("MODEL.onnx")
    {
        Description = "The model, an ONNX file (opsets 9–21)",
        CustomParser = r => Value(r, "MODEL.onnx", (string v, out string f) => File.Exists(f = v), v => Missing("MODEL.onnx", v, Directory.Exists(v) ? "is a directory, not a file" : "no such file")),
    };

    /// <summary>A switch.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    private static string Missing(string name, string value, string why) => $"{name}: '{value}': {why}";

    private delegate bool TryConvert<T>(string value, out T result);

    // The option's one value converted, or an error (the option, what it accepts, what it got) and the default.
    private static T Value<T>(ArgumentResult r, string name, TryConvert<T> convert, Func<string, string> message)
    {
        // System.CommandLine hands an option the next token even when it is another option ("--data --train 100"):
        // a value never starts with "--".
        if (r.Tokens.Count != 1 || r.Tokens[0].Value.StartsWith("--", StringComparison.Ordinal))
        {
            r.AddError(name + Program.NeedsAValue);
            return default!;
        }

        string value = r.Tokens[0].Value;
        if (convert(value, out T converted))
        {
            return converted;
        }

        r.AddError(message(value));
        return default!;
    }
}
