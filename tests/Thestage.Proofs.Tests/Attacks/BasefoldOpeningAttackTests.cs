using System.Buffers.Binary;
using Thestage.Proofs.Commitments;
using Thestage.Proofs.Commitments.Basefold;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Hashing;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Tests.Commitments;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>Attacks on the Basefold commitment: tampered openings, dishonest commitments, malformed bytes.</summary>
public sealed class BasefoldOpeningAttackTests
{
    private const int Variables = 12;

    /// <summary>Every way to change one field of an opening: each round value, root, final coefficient, opened leaf, salt and sibling.</summary>
    private static IEnumerable<(string Field, BasefoldOpening<GoldilocksExt2> Opening)> Tamperings(BasefoldOpening<GoldilocksExt2> honest)
    {
        if (honest.MaskValue is GoldilocksExt2 mask)
        {
            BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
            yield return ("mask value", new BasefoldOpening<GoldilocksExt2>(copy.RoundMessages, copy.LayerRoots, copy.FinalCoefficients, copy.Layers, mask + GoldilocksExt2.One));
            yield return ("mask value removed", new BasefoldOpening<GoldilocksExt2>(copy.RoundMessages, copy.LayerRoots, copy.FinalCoefficients, copy.Layers));
        }

        for (int i = 0; i < honest.RoundMessages.Length; i++)
        {
            BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
            copy.RoundMessages[i] += GoldilocksExt2.One;
            yield return ($"round value {i}", copy);
        }

        for (int i = 0; i < honest.LayerRoots.Length; i++)
        {
            BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
            copy.LayerRoots[i] = Flip(copy.LayerRoots[i]);
            yield return ($"layer root {i + 1}", copy);
        }

        for (int i = 0; i < honest.FinalCoefficients.Length; i++)
        {
            BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
            copy.FinalCoefficients[i] += GoldilocksExt2.One;
            yield return ($"final coefficient {i}", copy);
        }

        for (int g = 0; g < honest.Layers.Length; g++)
        {
            BasefoldLayerOpening layer = honest.Layers[g];
            for (int leaf = 0; leaf < layer.LeafCount; leaf++)
            {
                // One entry of every opened leaf, the entry moving through the leaf from leaf to leaf.
                BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
                copy.Layers[g].Payloads[(leaf * layer.PayloadWidth) + (leaf % layer.PayloadWidth)] += Goldilocks.One;
                yield return ($"layer {g} leaf {leaf}", copy);
            }

            for (int leaf = 0; leaf < layer.Salts.Length / MerkleHasher.SaltLength; leaf++)
            {
                BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
                copy.Layers[g].Salts[(leaf * MerkleHasher.SaltLength) + (leaf % MerkleHasher.SaltLength)] ^= 1;
                yield return ($"layer {g} salt {leaf}", copy);
            }

            for (int s = 0; s < layer.Proof.Siblings.Length; s++)
            {
                BasefoldOpening<GoldilocksExt2> copy = Copy(honest);
                Digest256[] siblings = copy.Layers[g].Proof.Siblings.ToArray();
                siblings[s] = Flip(siblings[s]);
                BasefoldLayerOpening l = copy.Layers[g];
                copy.Layers[g] = new BasefoldLayerOpening(l.LeafCount, l.PayloadWidth, l.Payloads, l.Salts, new MerkleBatchProof(siblings));
                yield return ($"layer {g} sibling {s}", copy);
            }
        }
    }

    private static BasefoldOpening<GoldilocksExt2> Copy(BasefoldOpening<GoldilocksExt2> opening) =>
        BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(BasefoldOpeningSerializer.Serialize(opening));

    private static Digest256 Flip(Digest256 digest)
    {
        byte[] bytes = digest.ToArray();
        bytes[7] ^= 0x10;
        return Digest256.FromBytes(bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TamperedOpeningField_AnyMaskValueRoundValueRootFinalCoefficientLeafSaltOrSibling_IsRefused(bool hiding)
    {
        // Three committed layers (arity 4: R = 12 − 6 rounds in layers of 2; hiding: 13 − 6 rounds in 2, 2, 2, 1), so every kind
        // of field occurs more than once; in the hiding layer 0 a leaf holds the table's and the mask's values.
        var parameters = new BasefoldParameters(3, 122, 2, 6, hiding);
        (BasefoldProverState state, _, GoldilocksExt2[] point) = BasefoldTests.Setup(Variables, 9100, parameters);
        BasefoldOpening<GoldilocksExt2> honest = BasefoldTests.Open(state, point, out GoldilocksExt2 value);
        Assert.True(BasefoldTests.Verify(state.Commitment, point, value, honest, parameters));
        Assert.Equal(hiding ? 4 : 3, honest.Layers.Length);

        var accepted = new List<string>();
        int count = 0;
        foreach ((string field, BasefoldOpening<GoldilocksExt2> tampered) in Tamperings(honest))
        {
            count++;
            if (BasefoldTests.Verify(state.Commitment, point, value, tampered, parameters))
            {
                accepted.Add(field);
            }
        }

        Assert.Empty(accepted);
        Assert.True(count > 500, $"only {count} tamperings");
    }

    [Fact]
    public void RandomWordCommittedInsteadOfACodeword_IsCaughtByTheQueries()
    {
        // Control: the dishonest commitment hashes as the prover does, so an honest codeword committed this way opens.
        (BasefoldProverState honest, Goldilocks[] honestTable, GoldilocksExt2[] honestPoint) = BasefoldTests.Setup(Variables, 9199);
        BasefoldProverState control = CommitWord(honestTable, honest.Codeword, BasefoldParameters.Default.Schedule(Variables), 9199);
        Assert.Equal(honest.Commitment, control.Commitment);
        BasefoldOpening<GoldilocksExt2> controlOpening = BasefoldTests.Open(control, honestPoint, out GoldilocksExt2 controlValue);
        Assert.True(BasefoldTests.Verify(control.Commitment, honestPoint, controlValue, controlOpening));

        for (int seed = 0; seed < 4; seed++)
        {
            var rng = new SeededWordSource(9200 + seed);
            BasefoldSchedule schedule = BasefoldParameters.Default.Schedule(Variables);
            Goldilocks[] table = rng.NextArray<Goldilocks>(1 << Variables);
            Goldilocks[] word = rng.NextArray<Goldilocks>(schedule.LayerLength(0));
            BasefoldProverState cheat = CommitWord(table, word, schedule, seed);
            GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(Variables);

            // The cheat runs the honest opening procedure (sumcheck of its table, folds of its word): the folds of a word far
            // from the code disagree with the final polynomial the sumcheck ends on.
            BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(cheat, point, out GoldilocksExt2 value);
            Assert.False(BasefoldTests.Verify(cheat.Commitment, point, value, opening));
        }
    }

    [Fact]
    public void WordOfTooHighDegreeCommitted_IsCaughtByTheQueries()
    {
        // A polynomial of degree 2·2^v − 1 (rate 1/4 instead of 1/8) whose first 2^v coefficients are the table's: the
        // sumcheck and the final polynomial follow the table, the folds carry the high half.
        var rng = new SeededWordSource(9300);
        BasefoldSchedule schedule = BasefoldParameters.Default.Schedule(Variables);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << Variables);
        var coefficients = new Goldilocks[2 << Variables];
        BasefoldFolding.Coefficients<Goldilocks>(table, coefficients.AsSpan(0, 1 << Variables));
        rng.NextArray<Goldilocks>(1 << Variables).CopyTo(coefficients, 1 << Variables);
        var word = new Goldilocks[schedule.LayerLength(0)];
        GoldilocksNtt.CosetEvaluate(coefficients, word);
        BasefoldProverState cheat = CommitWord(table, word, schedule, 1);
        GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(Variables);
        BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(cheat, point, out GoldilocksExt2 value);
        Assert.False(BasefoldTests.Verify(cheat.Commitment, point, value, opening));
    }

    [Fact]
    public void OpeningOfAnotherTable_AgainstTheCommittedCodeword_IsCaught()
    {
        // Committed to f; proves the value of f' (one entry changed) with an honest sumcheck and final polynomial of f', folding
        // the committed codeword of f.
        (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = BasefoldTests.Setup(Variables, 9400);
        Goldilocks[] other = (Goldilocks[])table.Clone();
        other[1234] += Goldilocks.One;
        var cheat = new BasefoldProverState(state.Commitment, state.Parameters, other, state.Codeword, state.Salts, state.Tree);
        BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(cheat, point, out GoldilocksExt2 value);
        BasefoldTests.Open(state, point, out GoldilocksExt2 honestValue);
        Assert.NotEqual(honestValue, value);
        Assert.False(BasefoldTests.Verify(state.Commitment, point, value, opening));
    }

    [Fact]
    public void ParametersBelowThePolicy_HonestOpening_IsRefused()
    {
        // 60 queries: 49.8 bits. The opening is honest, but the verifier refuses what the policy does not allow.
        var weak = new BasefoldParameters(3, 60, 4, 10);
        (BasefoldProverState state, _, GoldilocksExt2[] point) = BasefoldTests.Setup(10, 9500, weak);
        BasefoldOpening<GoldilocksExt2> opening = BasefoldTests.Open(state, point, out GoldilocksExt2 value);
        Assert.False(BasefoldTests.Verify(state.Commitment, point, value, opening, weak));
        Assert.True(BasefoldTests.Verify(state.Commitment, point, value, opening, weak, new VerifierPolicy { MinimumSoundnessBits = 49 }));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedExtendedOrCorruptedOpeningBytes_RaiseOnlyTheFormatExceptionOrAreRefused(bool hiding)
    {
        BasefoldParameters parameters = hiding ? BasefoldParameters.DefaultHiding : BasefoldParameters.Default;
        (BasefoldProverState state, _, GoldilocksExt2[] point) = BasefoldTests.Setup(10, 9600, parameters);
        BasefoldOpening<GoldilocksExt2> honest = BasefoldTests.Open(state, point, out GoldilocksExt2 value);
        byte[] bytes = BasefoldOpeningSerializer.Serialize(honest);

        for (int length = 0; length < bytes.Length; length += length < 256 ? 1 : 61)
        {
            Assert.Throws<ProofFormatException>(() => BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(bytes.AsSpan(0, length)));
        }

        Assert.Throws<ProofFormatException>(() => BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>([.. bytes, 0]));
        Assert.Throws<ProofFormatException>(() => BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>([.. bytes, .. new byte[1 << 20]]));

        // Any 32-bit word overwritten with a huge or a small count, and single bits flipped: a format exception or a refusal,
        // never another exception, and never more than a few megabytes allocated.
        var random = new Random(9601);
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            int offset = trial < 2000 ? Math.Min(trial, bytes.Length - 4) : random.Next(bytes.Length - 4);
            switch (trial % 3)
            {
                case 0: BinaryPrimitives.WriteUInt32LittleEndian(corrupt.AsSpan(offset), uint.MaxValue); break;
                case 1: BinaryPrimitives.WriteUInt32LittleEndian(corrupt.AsSpan(offset), (uint)random.Next(1 << 16)); break;
                default: corrupt[offset] ^= (byte)(1 << random.Next(8)); break;
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            BasefoldOpening<GoldilocksExt2> opening;
            try
            {
                opening = BasefoldOpeningSerializer.Deserialize<GoldilocksExt2>(corrupt);
            }
            catch (ProofFormatException)
            {
                continue;
            }

            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 << 20);
            if (!corrupt.AsSpan().SequenceEqual(bytes))
            {
                Assert.False(BasefoldTests.Verify(state.Commitment, point, value, opening, parameters), $"corruption at {offset} accepted");
            }
        }
    }

    [Fact]
    public void SecondHidingOpeningOfOneCommitment_WouldRevealAPartialSumOfTheTable_IsRefusedByTheProver()
    {
        (BasefoldProverState state, Goldilocks[] table, GoldilocksExt2[] point) = BasefoldTests.Setup(11, 9700, BasefoldParameters.DefaultHiding);
        BasefoldOpening<GoldilocksExt2> first = BasefoldProver.Open(new Transcript("proof-1"), state, point, out GoldilocksExt2 value);
        Assert.Throws<OpeningBudgetExhaustedException>(() => BasefoldProver.Open(new Transcript("proof-2"), state, point, out _));

        // The attack the refusal stops: a prover that opens the same commitment again (here through a copy of its state) in
        // another proof. With ρ_1 ≠ ρ_2, (ρ_2·g_1(0) − ρ_1·g_2(0))/(ρ_2 − ρ_1) of the first round messages is Σ_(x_1 = 0) f·eq(z, ·)
        // = (1 − z_1)·f(0, z_2, …): a value of the table that f(z) does not give.
        var copy = new BasefoldProverState(state.Commitment, state.Parameters, state.Table, state.Extended, state.Mask, state.Codeword, state.Salts, state.Tree);
        BasefoldOpening<GoldilocksExt2> second = BasefoldProver.Open(new Transcript("proof-2"), copy, point, out _);
        GoldilocksExt2 rho1 = Rho("proof-1", state, point, value, first), rho2 = Rho("proof-2", state, point, value, second);
        GoldilocksExt2 recovered = ((rho2 * first.RoundMessages[0]) - (rho1 * second.RoundMessages[0])) * GoldilocksExt2.Invert(rho2 - rho1);

        GoldilocksExt2[] half = Array.ConvertAll(table[..(table.Length / 2)], GoldilocksExt2.FromBase);
        GoldilocksExt2 partial = (GoldilocksExt2.One - point[0]) * MultilinearPolynomial<GoldilocksExt2>.Evaluate(half, point.AsSpan(1));
        Assert.Equal(partial, recovered);
    }

    private static GoldilocksExt2 Rho(string label, BasefoldProverState state, GoldilocksExt2[] point, GoldilocksExt2 value, BasefoldOpening<GoldilocksExt2> opening)
    {
        var transcript = new Transcript(label);
        BasefoldProtocol.Begin<GoldilocksExt2>(transcript, state.Commitment, state.Parameters, point, value);
        return BasefoldProtocol.MaskChallenge(transcript, opening.MaskValue!.Value);
    }

    /// <summary>A dishonest commitment to an arbitrary word, hashed exactly as <see cref="BasefoldProver.Commit"/> hashes a codeword.</summary>
    private static BasefoldProverState CommitWord(Goldilocks[] table, Goldilocks[] word, BasefoldSchedule schedule, int seed)
    {
        int leaves = schedule.LeafCount(0), width = schedule.LeafWidth(0);
        var salts = new byte[leaves * MerkleHasher.SaltLength];
        new SeededSaltSource(seed).Fill(salts);
        var digests = new Digest256[leaves];
        var payload = new byte[width * Goldilocks.EncodedLength];
        for (int j = 0; j < leaves; j++)
        {
            for (int m = 0; m < width; m++)
            {
                word[(m * leaves) + j].WriteTo(payload.AsSpan(m * Goldilocks.EncodedLength));
            }

            digests[j] = MerkleHasher.HashLeaf(salts.AsSpan(j * MerkleHasher.SaltLength, MerkleHasher.SaltLength), payload);
        }

        MerkleTree tree = MerkleTree.Build(digests);
        return new BasefoldProverState(new BasefoldCommitment(tree.Root, schedule.NumVariables), BasefoldParameters.Default, table, word, salts, tree);
    }
}
