namespace Thestage.Cli;

/// <summary>A one-line text progress bar (a new line per update when the output is not a terminal).</summary>
internal sealed class ProgressBar(string label, int total)
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private int _lastPercent = -1;

    public void Report(int done, string detail = "")
    {
        int percent = total == 0 ? 100 : (int)(100L * done / total);
        if (!_interactive && percent / 25 == _lastPercent / 25 && done != total)
        {
            return;
        }

        _lastPercent = percent;
        int filled = percent * 30 / 100;
        string line = $"{label,-22} [{new string('█', filled)}{new string('·', 30 - filled)}] {done}/{total} {detail}";
        if (_interactive)
        {
            Console.Write($"\r{line}   ");
            if (done == total)
            {
                Console.WriteLine();
            }
        }
        else
        {
            Console.WriteLine(line);
        }
    }
}
