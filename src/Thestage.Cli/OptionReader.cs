using System.Globalization;

namespace Thestage.Cli;

/// <summary>
/// Walks <c>--name value</c> command-line options, with the type and range checks and messages every verb shares. Every
/// problem is a <see cref="UsageException"/> naming the option, what it accepts and what it got.
/// </summary>
internal sealed class OptionReader(string[] args)
{
    private int _index = -1;

    /// <summary>Gets the current option's name.</summary>
    public string Name => args[_index];

    /// <summary>Applies <paramref name="apply"/> to every option in turn, starting from <paramref name="options"/>.</summary>
    public static T Parse<T>(string[] args, T options, Func<T, OptionReader, T> apply)
    {
        var reader = new OptionReader(args);
        while (++reader._index < args.Length)
        {
            options = apply(options, reader);
        }

        return options;
    }

    /// <summary>Takes the current option's value (not another option).</summary>
    public string Value()
    {
        string name = Name;
        if (_index + 1 >= args.Length || args[_index + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException($"{name} needs a value");
        }

        return args[++_index];
    }

    /// <summary>Takes the current option's value as an integer in <c>[min, max]</c>.</summary>
    public int Count(int min, int max)
    {
        string name = Name;
        string value = Value();
        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v
            : throw new UsageException($"{name} takes an integer in [{min}, {max}]; got '{value}'");
    }

    /// <summary>Takes the current option's value as an unsigned 64-bit integer.</summary>
    public ulong UInt64()
    {
        string name = Name;
        string value = Value();
        return ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v)
            ? v
            : throw new UsageException($"{name} takes an integer in [0, {ulong.MaxValue}]; got '{value}'");
    }

    /// <summary>Takes the current option's value as an existing directory.</summary>
    public string Directory()
    {
        string name = Name;
        string value = Value();
        return System.IO.Directory.Exists(value) ? value : throw new UsageException($"{name}: no directory '{value}'");
    }

    /// <summary>The error for an option no verb knows.</summary>
    public UsageException Unknown() => new($"unknown option '{Name}'");
}
