using System.Text.Encodings.Web;
using System.Text.Json;
using Spectre.Console;

namespace Thestage.Cli;

/// <summary>
/// Where a verb's output goes. For people: lines, Spectre.Console progress bars (with the time remaining) for every
/// long step, and tables. With <c>--json</c>: nothing of that — standard output gets exactly one JSON object, the
/// verb's result, when the verb ends; errors still go to standard error as one line.
/// </summary>
internal sealed class Terminal
{
    // Readable text in strings ("×", "→"); the object goes to a terminal or a file, never into HTML.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly TextWriter _out;
    private readonly IAnsiConsole _console;

    public Terminal(bool json)
    {
        Json = json;
        _out = json ? TextWriter.Null : Console.Out;
        _console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(_out) });
        if (json || Console.IsOutputRedirected)
        {
            // Logs and pipes: no wrapping of tables at an imagined 80 columns.
            _console.Profile.Width = 200;
        }
    }

    /// <summary>Gets a value indicating whether the result is printed as JSON (and nothing else is printed).</summary>
    public bool Json { get; }

    /// <summary>Writes a line for people (nothing with <c>--json</c>).</summary>
    public void Line(string text = "") => _out.WriteLine(text);

    /// <summary>Writes a table for people: its title on a line, a header row, then rows of cells.</summary>
    public void Table(string title, string[] header, IEnumerable<string[]> rows)
    {
        Line(title);
        var table = new Table { Border = TableBorder.Rounded };
        foreach (string column in header)
        {
            table.AddColumn(Markup.Escape(column));
        }

        foreach (string[] row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        _console.Write(table);
    }

    /// <summary>
    /// Runs a step of <paramref name="total"/> units with a progress bar (description, bar, percentage, time remaining,
    /// time taken); <paramref name="work"/> reports the units done and may change the description.
    /// </summary>
    public T Step<T>(string description, double total, Func<StepReporter, T> work)
    {
        T result = default!;
        Progress().Start(context =>
        {
            ProgressTask task = context.AddTask(Markup.Escape(description), maxValue: Math.Max(total, 1));
            result = work(new StepReporter(task));
            task.Value = task.MaxValue;
        });
        return result;
    }

    /// <summary>Runs a step whose length cannot be told in advance (a spinner and the time taken).</summary>
    public T Step<T>(string description, Func<T> work)
    {
        T result = default!;
        Progress().Start(context =>
        {
            ProgressTask task = context.AddTask(Markup.Escape(description), maxValue: 1);
            task.IsIndeterminate = true;
            result = work();
            task.IsIndeterminate = false;
            task.Value = 1;
        });
        return result;
    }

    /// <summary>Prints the verb's result: the JSON object with <c>--json</c>, nothing otherwise (people had the lines and tables).</summary>
    public void Result<T>(T result)
    {
        if (Json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        }
    }

    private Progress Progress() => _console.Progress()
        .AutoClear(false)
        .HideCompleted(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new ElapsedTimeColumn(), new SpinnerColumn());

    /// <summary>What a step's work reports through: units done, and the description.</summary>
    internal sealed class StepReporter(ProgressTask task)
    {
        /// <summary>Sets the units done.</summary>
        public void Done(double value) => task.Value = value;

        /// <summary>Sets the units done and the description.</summary>
        public void Done(double value, string description)
        {
            task.Description = Markup.Escape(description);
            task.Value = value;
        }

        /// <summary>An <see cref="IProgress{T}"/> that sets the units done from each report, synchronously.</summary>
        public IProgress<TReport> As<TReport>(Func<TReport, double> value, Func<TReport, string>? description = null) =>
            new Reporter<TReport>(r =>
            {
                if (description is not null)
                {
                    Done(value(r), description(r));
                }
                else
                {
                    Done(value(r));
                }
            });
    }

    private sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
