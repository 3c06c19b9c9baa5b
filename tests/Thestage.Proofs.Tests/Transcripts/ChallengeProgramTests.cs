using Thestage.Proofs.Transcripts;
using E = Thestage.Proofs.Fields.GoldilocksExt2;

namespace Thestage.Proofs.Tests.Transcripts;

/// <summary>
/// The simulators' programming of the oracle (<see cref="ChallengeProgram"/>): a programmed challenge is what every transcript draws at the
/// state and label it was bound to, and nothing changes elsewhere or once the program is gone.
/// </summary>
public sealed class ChallengeProgramTests
{
    private static Transcript At(byte message)
    {
        var transcript = new Transcript("test/challenge-program");
        transcript.AbsorbBytes("message", [message]);
        return transcript;
    }

    [Fact]
    public void AProgrammedChallengeIsDrawnByEveryTranscriptAtItsStateAndNowhereElse()
    {
        E real = At(1).Challenge<E>("rho");
        var program = new ChallengeProgram(new SeededWordSource(8380));
        ChallengeProgram.Current = program;
        try
        {
            E programmed = program.ProgramNext<E>("rho");
            Assert.NotEqual(real, programmed);
            Assert.Equal(At(2).Challenge<E>("other"), WithoutProgram(() => At(2).Challenge<E>("other"))); // another label: not bound
            Assert.Equal(programmed, At(1).Challenge<E>("rho"));                                       // bound to the state of message 1
            Assert.Equal(programmed, At(1).Challenge<E>("rho"));                                       // the verifier's transcript: the same value
            Assert.Equal(WithoutProgram(() => At(3).Challenge<E>("rho")), At(3).Challenge<E>("rho")); // another state: the real oracle
            Assert.Equal(1, program.Count);

            // The state ratchets as without the program: the next challenge is the real oracle's.
            Transcript simulated = At(1);
            simulated.Challenge<E>("rho");
            Transcript honest = WithoutProgram(() =>
            {
                Transcript t = At(1);
                t.Challenge<E>("rho");
                return t;
            });
            Assert.Equal(WithoutProgram(() => honest.Challenge<E>("next")), simulated.Challenge<E>("next"));
        }
        finally
        {
            ChallengeProgram.Current = null;
        }

        Assert.Equal(real, At(1).Challenge<E>("rho"));
    }

    private static T WithoutProgram<T>(Func<T> action)
    {
        ChallengeProgram? program = ChallengeProgram.Current;
        ChallengeProgram.Current = null;
        try
        {
            return action();
        }
        finally
        {
            ChallengeProgram.Current = program;
        }
    }
}
