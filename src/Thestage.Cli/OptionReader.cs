using System.Globalization;

namespace Thestage.Cli;

/// <summary>Walks <c>--name value</c> command-line options, with the range checks and messages every verb shares.</summary>
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

    /// <summary>Takes the current option's value.</summary>
    public string Value() => _index + 1 < args.Length ? args[++_index] : throw new ArgumentException($"{Name} needs a value");

    /// <summary>Takes the current option's value as an integer in <c>[min, max]</c>.</summary>
    public int Count(int min, int max)
    {
        string name = Name;
        int v = int.Parse(Value(), CultureInfo.InvariantCulture);
        return v >= min && v <= max ? v : throw new ArgumentException($"{name} must lie in [{min}, {max}]");
    }

    /// <summary>The error for an option no verb knows.</summary>
    public ArgumentException Unknown() => new($"unknown option '{Name}' (see thestage help)");
}
