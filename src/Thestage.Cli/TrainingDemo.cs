using System.Diagnostics;
using System.Globalization;
using Thestage.Inference.Data;
using Thestage.Models;
using Thestage.Proofs;
using Thestage.Proofs.Commitments;
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
    public static int Run(TrainingOptions options, Terminal terminal, CancellationToken cancellationToken)
    {
        string directory = Dataset.Locate(options.DataDirectory, options.InstallData, terminal);
        TrainingConfig config = options.Config();
        (TrainingDataset train, TrainingDataset test) = terminal.Step("loading Fashion-MNIST", () =>
        {
            FashionMnistSet trainSet = FashionMnist.Load(FashionMnistSplit.Train, directory, options.TrainImages);
            FashionMnistSet testSet = FashionMnist.Load(FashionMnistSplit.Test, directory, options.TestImages);
            return (TrainingDataset.FromReal(config, trainSet.Images, trainSet.Labels), TrainingDataset.FromReal(config, testSet.Images, testSet.Labels));
        });
        terminal.Line($"784-{options.Hidden}-10 ReLU MLP, batch {options.Batch}, learning rate 2^-{options.LearningRateShift}, f = 16, W = 24, V = 28; "
            + $"{train.Count} training images, {test.Count} test images");

        // Recording, proving and verifying report each step or proof (a fraction of the whole) and stop on Ctrl+C.
        var clock = Stopwatch.StartNew();
        TrainingRun run = terminal.Step($"training and committing {options.Steps} steps", options.Steps, step =>
            TrainingRun.Record(config, train, options.Steps, options.Parameters ?? LigeroParameters.Default, step.As<(int Completed, int Total)>(p => p.Completed), cancellationToken));
        double recordSeconds = clock.Elapsed.TotalSeconds;
        int transcriptBytes = TrainingTranscriptSerializer.Serialize(run.Transcript).Length;
        terminal.Line($"trained and committed {options.Steps} steps (dataset + {options.Steps + 1} snapshots) in {recordSeconds:F1} s; transcript {transcriptBytes:N0} B; "
            + (run.Transcript.Parameters.Hiding ? "hiding (zero-knowledge mode)" : "plain (NOT zero-knowledge; --hiding for a zero-knowledge run of at most 4096 images)"));
        var trainer = new FixedPointTrainer(config, train, run.Transcript.ScheduleKey);
        int before = trainer.CountCorrect(run.Snapshots[0], test);
        int after = trainer.CountCorrect(run.Snapshots[^1], test);
        terminal.Line($"test accuracy {Percent(before, test.Count)} → {Percent(after, test.Count)}");

        cancellationToken.ThrowIfCancellationRequested();
        clock.Restart();
        TrainingProofs proofs = terminal.Step(options.Sample is int s ? $"proving {Math.Min(s, options.Steps)} sampled steps" : $"proving all {options.Steps} steps", 1, step =>
        {
            IProgress<(int Completed, int Total)> progress = step.As<(int Completed, int Total)>(p => (double)p.Completed / p.Total);
            return options.Sample is int k
                ? TrainingProver.ProveSampled(run, train, Math.Min(k, options.Steps), null, progress, cancellationToken)
                : TrainingProver.ProveEveryStep(run, train, progress, cancellationToken);
        });
        double prove = clock.Elapsed.TotalSeconds;
        byte[] bytes = TrainingProofsSerializer.Serialize(proofs);
        // The demo verifies as a verifier who asks for the sample it was given; below the default policy's minimum it says so.
        VerifierPolicy policy = proofs.SampleSize is > 0 and < VerifierPolicy.DefaultMinimumSampleSize
            ? new VerifierPolicy { MinimumSampleSize = proofs.SampleSize }
            : VerifierPolicy.Default;
        cancellationToken.ThrowIfCancellationRequested();
        clock.Restart();
        bool valid = terminal.Step("verifying the proofs of training", 1, step => TrainingVerifier.Verify(
            run.Transcript, TrainingProofsSerializer.Deserialize(bytes), policy, step.As<(int Completed, int Total)>(p => (double)p.Completed / p.Total), cancellationToken));
        double verify = clock.Elapsed.TotalSeconds;
        string mode = proofs.IsSampled ? $"{proofs.Steps.Count} sampled steps" : $"all {proofs.Steps.Count} steps";
        terminal.Line($"proved {mode} (+ {proofs.Ranges.Count} snapshot range proofs) in {prove:F1} s ({prove / proofs.Steps.Count:F2} s per step); "
            + $"verified in {verify * 1000:F0} ms ({TrainingVerifier.SoundnessBits(run.Transcript):F1} bits per proof): {(valid ? "valid" : "INVALID")}; proofs {bytes.Length:N0} B");
        if (proofs.IsSampled)
        {
            int size = proofs.SampleSize;
            terminal.Line($"sampled, not proven: one wrong step among {options.Steps} is caught with probability {(double)size / options.Steps:P1}; "
                + $"a run with 5 % wrong steps passes with probability at most {Math.Pow(0.95, size):P1}; the final model is not proven"
                + (policy == VerifierPolicy.Default ? string.Empty : $" (below the default verifier policy's {VerifierPolicy.DefaultMinimumSampleSize} steps)"));
        }

        Sequential model = FixedPointExport.ToSequential(run.Snapshots[^1]);
        int agree = 0;
        for (int i = 0; i < test.Count; i++)
        {
            double[] x = Array.ConvertAll(test.GetFeatures(i), v => v / (double)config.One);
            agree += ArgMax(model.Evaluate(x)) == ArgMax(trainer.Forward(run.Snapshots[^1], test.GetFeatures(i))) ? 1 : 0;
        }

        terminal.Line($"exported to the IR ({model}): argmax agrees with the fixed-point model on {agree} / {test.Count} test images");
        cancellationToken.ThrowIfCancellationRequested();
        Chain chain = ChainToInference(run, trainer, test, options.Parameters, terminal);
        terminal.Line($"int8 model for verifiable inference: test accuracy {Percent(chain.Correct, test.Count)} (same argmax as fixed point on {chain.Same} / {test.Count}); "
            + $"link to the final snapshot proved in {chain.ProveSeconds:F1} s (commitment included), verified in {chain.VerifySeconds * 1000:F0} ms: {(chain.Linked ? "valid" : "INVALID")}, "
            + $"{chain.LinkBytes:N0} B; one inference proof {(chain.Inferred ? "valid" : "INVALID")}, {chain.InferenceBytes:N0} B");
        if (options.OutputDirectory is string output)
        {
            Directory.CreateDirectory(output);
            File.WriteAllBytes(Path.Combine(output, "transcript.tstt"), TrainingTranscriptSerializer.Serialize(run.Transcript));
            File.WriteAllBytes(Path.Combine(output, "proofs.tstp"), bytes);
            terminal.Line($"wrote {output}/transcript.tstt and {output}/proofs.tstp");
        }

        bool passed = valid && chain.Linked && chain.Inferred;
        terminal.Line();
        terminal.Table("proven training", ["check", "result", "time"],
        [
            ["proofs of training", valid ? "valid" : "INVALID", $"proved {prove:F1} s, verified {verify * 1000:F0} ms"],
            ["link: int8 model ← final snapshot", chain.Linked ? "valid" : "INVALID", $"proved {chain.ProveSeconds:F1} s, verified {chain.VerifySeconds * 1000:F0} ms"],
            ["one inference proof", chain.Inferred ? "valid" : "INVALID", string.Empty],
        ]);
        terminal.Result(new
        {
            Command = "train",
            Passed = passed,
            Architecture = new[] { 784, options.Hidden, 10 },
            options.Batch,
            LearningRateShift = options.LearningRateShift,
            options.Steps,
            options.Seed,
            TrainImages = train.Count,
            TestImages = test.Count,
            AccuracyBefore = before / (double)test.Count,
            AccuracyAfter = after / (double)test.Count,
            RecordSeconds = recordSeconds,
            TranscriptBytes = transcriptBytes,
            Proofs = new
            {
                Sampled = proofs.IsSampled,
                Steps = proofs.Steps.Count,
                RangeProofs = proofs.Ranges.Count,
                ProveSeconds = prove,
                VerifySeconds = verify,
                Bytes = bytes.Length,
                Valid = valid,
                // What "valid" was checked against: a sample below the default policy is verified under a weaker one.
                MinimumSampleSize = policy.MinimumSampleSize,
                BelowDefaultPolicy = policy != VerifierPolicy.Default,
                DetectionProbabilityOfOneWrongStep = proofs.IsSampled ? (double)proofs.SampleSize / options.Steps : 1.0,
            },
            IrAgreement = agree / (double)test.Count,
            Int8 = new { Accuracy = chain.Correct / (double)test.Count, SameArgmax = chain.Same / (double)test.Count, LinkValid = chain.Linked, LinkBytes = chain.LinkBytes, InferenceProofValid = chain.Inferred, InferenceProofBytes = chain.InferenceBytes },
            OutputDirectory = options.OutputDirectory,
        });
        return passed ? 0 : Program.Failed;
    }

    /// <summary>
    /// The chain to verifiable inference: quantizes the final snapshot to an int8 model (inputs as 10-bit integers at
    /// 2^−8), commits it, proves the link to the transcript's final snapshot, and proves and verifies one inference.
    /// </summary>
    private static Chain ChainToInference(TrainingRun run, FixedPointTrainer trainer, TrainingDataset test, LigeroParameters? parameters, Terminal terminal)
    {
        TrainingConfig config = run.Transcript.Config;
        var clock = Stopwatch.StartNew();
        QuantizedModel quantized = ModelLinkArgument.Quantize(run.Snapshots[^1], inputBits: 10, inputFractionBits: 8);
        (CommittedModel committed, ModelLinkProof link) = terminal.Step("committing the int8 model and proving the link", () =>
        {
            CommittedModel c = CommittedModel.Commit(quantized, parameters);
            return (c, ModelLinkArgument.Prove(run, c));
        });
        double prove = clock.Elapsed.TotalSeconds;
        clock.Restart();
        bool linked = terminal.Step("verifying the link", () => ModelLinkArgument.Verify(run.Transcript, committed.Commitment, link));
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
        (int[] output, InferenceProof proof) = terminal.Step("proving one inference", () => InferenceProver.Prove(committed, first));
        bool inferred = terminal.Step("verifying the inference proof", () => InferenceVerifier.Verify(committed.Commitment, first, output, proof));
        return new Chain(correct, same, prove, verify, linked, ModelLinkProofSerializer.Serialize(link).Length, inferred, InferenceProofSerializer.Serialize(proof).Length);
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

    private sealed record Chain(int Correct, int Same, double ProveSeconds, double VerifySeconds, bool Linked, int LinkBytes, bool Inferred, int InferenceBytes);
}
