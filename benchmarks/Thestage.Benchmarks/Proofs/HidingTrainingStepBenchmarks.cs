using BenchmarkDotNet.Attributes;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Training;

namespace Thestage.Benchmarks.Proofs;

/// <summary>
/// One step proof of a hiding run (<see cref="LigeroParameters.DefaultHiding"/>) of the 784-64-10 MLP at batch 16 on 1,024
/// samples: proving it and verifying it from bytes. Against the commit before h/zksamples this compares a hiding step proof
/// that opens its batch's samples (<c>TSSP</c> v2) with one that proves them against the hiding dataset commitment (<c>TSSP</c>
/// v3: gather sumchecks and one dataset opening). GlobalSetup records 10 steps (the dataset's opening budget is the step
/// count, enough for every invocation of a short run), checks the proof and prints its size.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class HidingTrainingStepBenchmarks
{
    private TrainingRun _run = null!;
    private TrainingDataset _data = null!;
    private byte[] _step = null!;

    [GlobalSetup]
    public void Setup()
    {
        TrainingConfig config = TrainingWorkloads.Config(16);
        _data = TrainingWorkloads.Dataset(config, 1024, out string source);
        _run = TrainingRun.Record(config, _data, 10, LigeroParameters.DefaultHiding);
        _step = TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(_run, _data, 1));
        if (!VerifyStep())
        {
            throw new InvalidOperationException("The benchmark proof does not verify.");
        }

        Console.WriteLine($"// hiding run, 784-64-10, B = 16, {source}: step proof {_step.Length:N0} B (TSSP v{BitConverter.ToUInt16(_step, 4)}), {TrainingStepVerifier.SoundnessBits(_run.Transcript):F2} bits");
    }

    [Benchmark]
    public byte[] ProveHidingStep() => TrainingStepProofSerializer.Serialize(TrainingStepProver.Prove(_run, _data, 1));

    [Benchmark]
    public bool VerifyStep() => TrainingStepVerifier.Verify(_run.Transcript, TrainingStepProofSerializer.Deserialize(_step));
}
