using System.Text;
using Org.BouncyCastle.Crypto.Digests;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Transcripts;

public sealed class TranscriptTests
{
    private static GoldilocksExt2 Run(Action<Transcript> script, string protocol = "test")
    {
        var transcript = new Transcript(protocol);
        script(transcript);
        return transcript.Challenge<GoldilocksExt2>("c");
    }

    private static byte[] Blake2s(params byte[][] parts)
    {
        var digest = new Blake2sDigest(256);
        foreach (byte[] part in parts)
        {
            digest.BlockUpdate(part, 0, part.Length);
        }

        var output = new byte[32];
        digest.DoFinal(output, 0);
        return output;
    }

    private static byte[] Label(string label) => [(byte)Encoding.UTF8.GetByteCount(label), .. Encoding.UTF8.GetBytes(label)];

    [Fact]
    public void MatchesTheDocumentedConstructionComputedIndependently()
    {
        byte[] data = [1, 2, 3, 4, 5];
        var transcript = new Transcript("proto");
        transcript.AbsorbBytes("msg", data);
        var actual = new byte[40];
        transcript.ChallengeBytes("chal", actual);

        byte[] s0 = Blake2s([0x10], Label("proto"));
        byte[] s1 = Blake2s([0x11], s0, Label("msg"), BitConverter.GetBytes((ulong)data.Length), data);
        byte[] seed = Blake2s([0x12], s1, Label("chal"));
        byte[] stream = [.. Blake2s([0x14], seed, BitConverter.GetBytes(0UL)), .. Blake2s([0x14], seed, BitConverter.GetBytes(1UL))];
        Assert.Equal(stream[..40], actual);

        // The state then ratchets to H(0x13 ‖ seed): a second challenge under the same label differs.
        var again = new byte[40];
        transcript.ChallengeBytes("chal", again);
        byte[] s2 = Blake2s([0x13], seed);
        byte[] seed2 = Blake2s([0x12], s2, Label("chal"));
        Assert.Equal(Blake2s([0x14], seed2, BitConverter.GetBytes(0UL))[..8], again[..8]);
    }

    [Fact]
    public void IsDeterministic()
    {
        static void Script(Transcript t)
        {
            t.AbsorbUInt64("n", 42);
            t.Absorb<Goldilocks>("xs", [new(1), new(2)]);
            t.Challenge<GoldilocksExt2>("r");
        }

        Assert.Equal(Run(Script), Run(Script));
    }

    [Fact]
    public void LabelsDataProtocolAndLengthsAllChangeTheChallenges()
    {
        GoldilocksExt2 baseline = Run(t => t.AbsorbBytes("a", "xyz"u8));
        Assert.NotEqual(baseline, Run(t => t.AbsorbBytes("b", "xyz"u8)));
        Assert.NotEqual(baseline, Run(t => t.AbsorbBytes("a", "xyw"u8)));
        Assert.NotEqual(baseline, Run(t => t.AbsorbBytes("a", "xyz"u8), protocol: "other"));
        Assert.NotEqual(baseline, Run(_ => { }));

        // Moving bytes across message boundaries or into the label is detected thanks to the length prefixes.
        Assert.NotEqual(
            Run(t => { t.AbsorbBytes("a", "xy"u8); t.AbsorbBytes("a", "z"u8); }),
            Run(t => { t.AbsorbBytes("a", "x"u8); t.AbsorbBytes("a", "yz"u8); }));
        Assert.NotEqual(Run(t => t.AbsorbBytes("ax", "yz"u8)), Run(t => t.AbsorbBytes("a", "xyz"u8)));
        Assert.NotEqual(
            Run(t => t.Absorb<Goldilocks>("v", [new(1), new(2)])),
            Run(t => t.Absorb<Goldilocks>("v", [new(1), new(2), Goldilocks.Zero])));

        // Challenge labels matter too, and successive challenges differ.
        var t1 = new Transcript("p");
        var t2 = new Transcript("p");
        Assert.NotEqual(t1.Challenge<GoldilocksExt2>("x"), t2.Challenge<GoldilocksExt2>("y"));
        Assert.NotEqual(t1.Challenge<GoldilocksExt2>("x"), t1.Challenge<GoldilocksExt2>("x"));
    }

    [Fact]
    public void ChallengeIndicesAreInRangeAndRoughlyUniform()
    {
        var transcript = new Transcript("indices");
        const int bound = 12;
        int[] indices = transcript.ChallengeIndices("q", bound, 12_000);
        var histogram = new int[bound];
        foreach (int index in indices)
        {
            Assert.InRange(index, 0, bound - 1);
            histogram[index]++;
        }

        // Expected 1000 per bucket, standard deviation ≈ 30: ±150 is a 5σ band (fixed seed, deterministic).
        Assert.All(histogram, count => Assert.InRange(count, 850, 1150));

        Assert.Equal(0, transcript.ChallengeIndex("one", 1));
        Assert.InRange(transcript.ChallengeIndex("max", int.MaxValue), 0, int.MaxValue - 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.ChallengeIndex("zero", 0));
    }

    [Fact]
    public void DistinctIndicesAreASampleWithoutReplacementThatLongerDrawsExtend()
    {
        static int[] Draw(int bound, int count, int seed)
        {
            var transcript = new Transcript("distinct");
            transcript.AbsorbUInt64("seed", (ulong)seed);
            return transcript.ChallengeDistinctIndices("s", bound, count);
        }

        // A full draw is a permutation; every shorter draw is its prefix.
        int[] all = Draw(50, 50, 1);
        Assert.Equal(Enumerable.Range(0, 50), all.Order());
        for (int k = 0; k <= 50; k++)
        {
            Assert.Equal(all[..k], Draw(50, k, 1));
        }

        // Each ordered pair (first, second) of 6 elements is equally likely: 30 pairs, 200 expected each over 6,000 seeds
        // (standard deviation ≈ 14; ±75 is more than a 5σ band, deterministic).
        var pairs = new int[6, 6];
        for (int seed = 0; seed < 6000; seed++)
        {
            int[] draw = Draw(6, 2, seed);
            Assert.NotEqual(draw[0], draw[1]);
            pairs[draw[0], draw[1]]++;
        }

        for (int a = 0; a < 6; a++)
        {
            for (int b = 0; b < 6; b++)
            {
                Assert.InRange(pairs[a, b], a == b ? 0 : 125, a == b ? 0 : 275);
            }
        }

        var transcript = new Transcript("bounds");
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.ChallengeDistinctIndices("s", 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.ChallengeDistinctIndices("s", 3, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => transcript.ChallengeDistinctIndices("s", 3, -1));
    }

    [Fact]
    public void FieldChallengesAreCanonicalAndVaried()
    {
        var transcript = new Transcript("fields");
        GoldilocksExt2[] challenges = transcript.Challenges<GoldilocksExt2>("r", 64);
        Assert.Equal(64, challenges.Distinct().Count());
        Assert.All(challenges, c => Assert.True(c.C0.Value < Goldilocks.Modulus && c.C1.Value < Goldilocks.Modulus));
        Assert.Throws<ArgumentException>(() => transcript.AbsorbBytes(new string('x', 256), []));
    }
}
