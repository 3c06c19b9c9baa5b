namespace Thestage.Cli;

/// <summary>The <c>thestage</c> command.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        string verb = args.Length > 0 ? args[0] : "help";
        try
        {
            return verb switch
            {
                "demo" => CkksDemo.Run(args[1..]),
                "help" or "--help" or "-h" => Usage(0),
                _ => Usage(2),
            };
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
    }

    private static int Usage(int code)
    {
        Console.WriteLine("""
            thestage — compute on data you may not see

            usage:
              thestage demo [--n 8192] [--runs 5]
                  RNS-CKKS end to end: keys, encode → encrypt → multiply → rotate-and-sum → square
                  → decrypt, with per-stage timings (medians) and measured precision.
            """);
        return code;
    }
}
