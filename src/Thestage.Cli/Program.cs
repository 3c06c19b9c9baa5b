namespace Thestage.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.WriteLine("usage: thestage demo");
        return args.Length == 0 ? 0 : 1;
    }
}
