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

    /// <summary>A switch.</summary>
    public static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

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
