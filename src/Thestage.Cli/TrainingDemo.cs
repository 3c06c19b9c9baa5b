using System.Diagnostics;
using System.Globalization;
using Thestage.Inference.Data;
using Thestage.Models;
using Thestage.Proofs;
using Thestage.Proofs.Inference;
using Thestage.Proofs.Quantization;
using Thestage.Proofs.Training;

namespace Thestage.Cli;

/// <summary>
/// <c>thestage train</c>: proven training on Fashion-MNIST. Trains a 784-H-10 ReLU MLP with
/// <see cref="FixedPointTrainer"/>, records the transcript (dataset, hyperparameters, every snapshot), proves the run
/// (every step or a Fiat–Shamir sample), verifies it, exports the model to the IR, and links it to verifiable inference.
/// </summary>
internal static class TrainingDemo
{
    public static int Run(TrainingOptions options)
    {
        string directory = Dataset.Locate(options.DataDirectory);
        TrainingConfig config = options.Config();
        FashionMnistSet trainSet = FashionMnist.Load(FashionMnistSplit.Train, directory, options.TrainImages);
        FashionMnistSet testSet = FashionMnist.Load(FashionMnistSplit.Test, directory, options.TestImages);
        TrainingDataset train = TrainingDataset.FromReal(config, trainSet.Images, trainSet.Labels);
        TrainingDataset test = TrainingDataset.FromReal(config, testSet.Images, testSet.Labels);
        Console.WriteLine($"784-{options.Hidden}-10 ReLU MLP, batch {options.Batch}, learning rate 2^-{options.LearningRateShift}, f = 16, W = 24, V = 28; "
            + $"{train.Count} training images, {test.Count} test images");

        var clock = Stopwatch.StartNew();
        TrainingRun run = TrainingRun.Record(config, train, options.Steps);
        Console.WriteLine($"trained and committed {options.Steps} steps (dataset + {options.Steps + 1} snapshots) in {clock.Elapsed.TotalSeconds:F1} s; "
            + $"transcript {TrainingTranscriptSerializer.Serialize(run.Transcript).Length:N0} B");
        var trainer = new FixedPointTrainer(config, train, run.Transcript.ScheduleKey);
        int before = trainer.CountCorrect(run.Snapshots[0], test);
        int after = trainer.CountCorrect(run.Snapshots[^1], test);
        Console.WriteLine($"test accuracy {Percent(before, test.Count)} → {Percent(after, test.Count)}");

        clock.Restart();
        TrainingProofs proofs = options.Sample is int k
            ? TrainingProver.ProveSampled(run, train, Math.Min(k, options.Steps))
            : TrainingProver.ProveEveryStep(run, train);
        double prove = clock.Elapsed.TotalSeconds;
        byte[] bytes = TrainingProofsSerializer.Serialize(proofs);
        // The demo verifies as a verifier who asks for the sample it was given; below the default policy's minimum it says so.
        VerifierPolicy policy = proofs.SampleSize is > 0 and < VerifierPolicy.DefaultMinimumSampleSize
            ? new VerifierPolicy { MinimumSampleSize = proofs.SampleSize }
            : VerifierPolicy.Default;
        clock.Restart();
        bool valid = TrainingVerifier.Verify(run.Transcript, TrainingProofsSerializer.Deserialize(bytes), policy);
        double verify = clock.Elapsed.TotalSeconds;
        string mode = proofs.IsSampled ? $"{proofs.Steps.Count} sampled steps" : $"all {proofs.Steps.Count} steps";
        Console.WriteLine($"proved {mode} (+ {proofs.Ranges.Count} snapshot range proofs) in {prove:F1} s ({prove / proofs.Steps.Count:F2} s per step); "
            + $"verified in {verify * 1000:F0} ms ({TrainingVerifier.SoundnessBits(run.Transcript):F1} bits per proof): {(valid ? "valid" : "INVALID")}; proofs {bytes.Length:N0} B");
        if (proofs.IsSampled)
        {
            int size = proofs.SampleSize;
            Console.WriteLine($"sampled, not proven: one wrong step among {options.Steps} is caught with probability {(double)size / options.Steps:P1}; "
                + $"a run with 5 % wrong steps passes with probability at most {Math.Pow(0.95, size):P1}; the final model is not proven"
                + (policy == VerifierPolicy.Default ? string.Empty : $" (below the default verifier policy's {VerifierPolicy.DefaultMinimumSampleSize} steps)"));
        }

        Sequential model = FixedPointExport.ToSequential(run.Snapshots[^1]);
        int agree = 0;
        for (int s = 0; s < test.Count; s++)
        {
            double[] x = Array.ConvertAll(test.GetFeatures(s), v => v / (double)config.One);
            agree += ArgMax(model.Evaluate(x)) == ArgMax(trainer.Forward(run.Snapshots[^1], test.GetFeatures(s))) ? 1 : 0;
        }

        Console.WriteLine($"exported to the IR ({model}): argmax agrees with the fixed-point model on {agree} / {test.Count} test images");
        ChainToInference(run, trainer, test);
        if (options.OutputDirectory is string output)
        {
            Directory.CreateDirectory(output);
            File.WriteAllBytes(Path.Combine(output, "transcript.tstt"), TrainingTranscriptSerializer.Serialize(run.Transcript));
            File.WriteAllBytes(Path.Combine(output, "proofs.tstp"), bytes);
            Console.WriteLine($"wrote {output}/transcript.tstt and {output}/proofs.tstp");
        }

        return valid ? 0 : 1;
    }

    /// <summary>
    /// The chain to verifiable inference: quantizes the final snapshot to an int8 model (inputs as 10-bit integers at
    /// 2^−8), commits it, proves the link to the transcript's final snapshot, and proves and verifies one inference.
    /// </summary>
    private static void ChainToInference(TrainingRun run, FixedPointTrainer trainer, TrainingDataset test)
    {
        TrainingConfig config = run.Transcript.Config;
        var clock = Stopwatch.StartNew();
        QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], inputBits: 10, inputFractionBits: 8);
        CommittedModel committed = CommittedModel.Commit(quantized);
        ModelLinkProof link = ModelLinkArgument.Prove(run, committed);
        double prove = clock.Elapsed.TotalSeconds;
        clock.Restart();
        bool linked = ModelLinkArgument.Verify(run.Transcript, committed.Commitment, link);
        double verify = clock.Elapsed.TotalSeconds;
        int correct = 0, same = 0;
        for (int s = 0; s < test.Count; s++)
        {
            int[] input = quantized.QuantizeInput(Array.ConvertAll(test.GetFeatures(s), v => v / (double)config.One));
            int predicted = ArgMax(IntegerEvaluator.Evaluate(quantized, input));
            correct += predicted == test.GetLabel(s) ? 1 : 0;
            same += predicted == ArgMax(trainer.Forward(run.Snapshots[^1], test.GetFeatures(s))) ? 1 : 0;
        }

        int[] first = quantized.QuantizeInput(Array.ConvertAll(test.GetFeatures(0), v => v / (double)config.One));
        (int[] output, InferenceProof proof) = InferenceProver.Prove(committed, first);
        bool inferred = InferenceVerifier.Verify(committed.Commitment, first, output, proof);
        Console.WriteLine($"int8 model for verifiable inference: test accuracy {Percent(correct, test.Count)} (same argmax as fixed point on {same} / {test.Count}); "
            + $"link to the final snapshot proved in {prove:F1} s (commitment included), verified in {verify * 1000:F0} ms: {(linked ? "valid" : "INVALID")}, "
            + $"{ModelLinkProofSerializer.Serialize(link).Length:N0} B; one inference proof {(inferred ? "valid" : "INVALID")}, {InferenceProofSerializer.Serialize(proof).Length:N0} B");
    }

    private static string Percent(int correct, int total) => (100.0 * correct / total).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static int ArgMax<T>(IReadOnlyList<T> values)
        where T : IComparable<T>
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
        {
            best = values[i].CompareTo(values[best]) > 0 ? i : best;
        }

        return best;
    }
}
