namespace Thestage.Cli;

/// <summary>
/// The <c>thestage</c> command. Exit codes: 0 success, 1 a failed check or a failure while running (missing or
/// malformed data, an error of the library), 2 a command line that cannot run. Options are parsed and validated before
/// anything starts; every failure prints one line, <c>error: …</c>, on standard error — never a stack trace.
/// </summary>
internal static class Program
{
    /// <summary>The exit code of a failed check or a failure while running.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of a command line that cannot run.</summary>
    public const int BadUsage = 2;

    internal static int Main(string[] args)
    {
        string verb = args.Length > 0 ? args[0] : "help";
        try
        {
            return verb switch
            {
                "demo" => InferenceDemo.Run(DemoOptions.Parse(args[1..])),
                "ckks" => CkksDemo.Run(CkksOptions.Parse(args[1..])),
                "train" => TrainingDemo.Run(TrainingOptions.Parse(args[1..])),
                "help" or "--help" or "-h" => Usage(),
                _ => throw new UsageException($"unknown command '{verb}'"),
            };
        }
        catch (UsageException e)
        {
            Error($"{e.Message} (see thestage help)");
            return BadUsage;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Error(e.Message);
            return Failed;
        }
        catch (Exception e)
        {
            // A failure of the library (for example parameters it refuses): one line with its kind, no stack trace.
            Error($"{e.Message} ({e.GetType().Name})");
            return Failed;
        }
    }

    private static void Error(string message) => Console.Error.WriteLine($"error: {message.ReplaceLineEndings(" ")}");

    private static int Usage()
    {
        Console.WriteLine("""
            thestage — compute on data you may not see

            usage:
              thestage demo [--data DIR] [--train 60000] [--epochs 3] [--images 4096] [--single 10]
                  Private inference on Fashion-MNIST: trains an HE-friendly CNN in TorchSharp, converts it, plans
                  128-bit CKKS parameters, and evaluates encrypted test images (one per ciphertext, and a batch
                  with one image per slot); prints accuracy, agreement, latency, throughput and sizes.
                  The dataset is located under /usr/share/datasets/fashion-mnist (installed with apt-get when
                  missing) or taken from --data DIR.
              thestage train [--data DIR] [--train 60000] [--test 10000] [--hidden 32] [--batch 16] [--lr-shift 5]
                             [--steps 3000] [--sample 44 | --every-step] [--seed 2026] [--out DIR]
                  Proven training on Fashion-MNIST: trains a 784-H-10 ReLU MLP in exact fixed point, commits to the
                  data, the hyperparameters and every weight snapshot, proves a Fiat–Shamir sample of steps (or every
                  step), verifies the proofs, and exports the model to the IR; --out writes the transcript and proofs.
                  A sample audits the run, it does not prove the final model: one wrong step of 3000 is caught with
                  probability k/3000. Verifiers ask for at least 44 sampled steps by default.
              thestage ckks [--n 8192] [--runs 5]
                  RNS-CKKS walk-through: encode → encrypt → multiply → rotate-and-sum → square → decrypt,
                  with per-stage timings and measured precision.

            exit codes: 0 success, 1 a failed check or an error while running, 2 a command line that cannot run.
            """);
        return 0;
    }
}
