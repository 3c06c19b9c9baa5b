using Thestage.Proofs.Commitments;
using Thestage.Proofs.Fields;
using Thestage.Proofs.Polynomials;
using Thestage.Proofs.Transcripts;

namespace Thestage.Proofs.Tests.Attacks;

/// <summary>
/// A verifier (or anyone reading published proofs) collects every opening of one hiding commitment — a model's weights are
/// opened once per inference proof — and solves for the committed table by linear algebra over Goldilocks. Every revealed
/// element is a known linear function of the committed coefficient rows (data rows, randomized-encoding coefficients and mask
/// rows) given the public challenges: the opened columns <c>P_i(η_j)</c>, the proximity row <c>w = Σ γ_i P_i + Σ γ_μ μ + R</c> and
/// the evaluation row <c>q = Σ_i a_i P_i · b̂ + λ·μ</c>, coefficient by coefficient. The attacker eliminates them and reads off
/// every table entry <c>P_i(ζ_j)</c> (<c>ζ_j ∈ H_k</c>) lying in their span. Without an opening budget the commitment's single
/// mask set is shared by every opening and the columns accumulate: a few openings determine the whole table. With a budget
/// <c>B</c>, <c>B</c> openings determine nothing but the <c>B</c> proven values, and the prover refuses opening <c>B + 1</c>.
/// </summary>
public sealed class RepeatedOpeningWeightRecoveryAttackTests
{
    private const string Protocol = "repeated-opening-attack";
    private const int NumVariables = 4;
    private const int Queries = 3;
    private const int Budget = 3;

    [Fact]
    public void WeightsRecoveredFromRepeatedOpenings_OfACommitmentWithoutBudget_Succeeds()
    {
        // The leak this change bounds: without a budget, 8 openings of one hiding commitment give the table away.
        var parameters = new LigeroParameters(2, Queries, hiding: true);
        (Goldilocks[] table, RevealedSystem system) = OpenRepeatedly(parameters, openings: 8, seed: 7100);

        Goldilocks?[] recovered = system.RecoverTable();
        Assert.All(recovered, value => Assert.NotNull(value));
        Assert.Equal(table, recovered.Select(value => value!.Value));
    }

    [Fact]
    public void WeightsRecoveredFromRepeatedOpenings_WithinTheOpeningBudget_Fails()
    {
        var parameters = new LigeroParameters(2, Queries, hiding: true, openingBudget: Budget);
        (Goldilocks[] table, RevealedSystem system) = OpenRepeatedly(parameters, openings: Budget, seed: 7200);

        // The attacker's machinery works: the proven values themselves are in the span of what was revealed …
        Assert.All(system.Openings, opening => Assert.True(system.Determines(opening.Functional, out Goldilocks value) && value == opening.Value));

        // … but not one table entry is: B openings are simulated from their B values alone.
        Assert.All(system.RecoverTable(), value => Assert.Null(value));
        Assert.Equal(1 << NumVariables, table.Length);
    }

    [Fact]
    public void WeightsRecoveredFromRepeatedOpenings_BeyondTheOpeningBudget_ProverRefuses()
    {
        var parameters = new LigeroParameters(2, Queries, hiding: true, openingBudget: Budget);
        var rng = new SeededWordSource(7300);
        LigeroProverState state = LigeroProver.Commit(rng.NextArray<Goldilocks>(1 << NumVariables), parameters, new SeededSaltSource(7301));
        for (int b = 0; b < Budget; b++)
        {
            LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, rng.NextArray<GoldilocksExt2>(NumVariables), out _);
            Assert.Equal(b, proof.MaskIndex);
        }

        Assert.Equal(Budget, state.OpeningsUsed);
        OpeningBudgetExhaustedException refused = Assert.Throws<OpeningBudgetExhaustedException>(
            () => LigeroProver.Open(new Transcript(Protocol), state, rng.NextArray<GoldilocksExt2>(NumVariables), out _));
        Assert.Equal(Budget, refused.Budget);
        Assert.Equal(Budget, state.OpeningsUsed);
    }

    [Fact]
    public void WeightsRecoveredFromRepeatedOpenings_WhenARebuiltProverForgetsItsUsedMaskSets_Succeeds()
    {
        // Why the count must persist: a prover rebuilt from its seed (the same masks) that starts again at mask set 0 reuses
        // it with new challenges, and the differences of the evaluation rows are unmasked — the table falls out as without a budget.
        var parameters = new LigeroParameters(2, Queries, hiding: true, openingBudget: Budget);
        (Goldilocks[] table, RevealedSystem system) = OpenRepeatedly(parameters, openings: 6, seed: 7400, rebuildEachTime: true);

        Goldilocks?[] recovered = system.RecoverTable();
        Assert.Equal(table, recovered.Select(value => value ?? Goldilocks.Zero));
    }

    /// <summary>
    /// Commits a random table and opens it <paramref name="openings"/> times at random points; returns what the openings reveal.
    /// With <paramref name="rebuildEachTime"/> each opening comes from the same commitment rebuilt from its seed, with a fresh count.
    /// </summary>
    private static (Goldilocks[] Table, RevealedSystem System) OpenRepeatedly(LigeroParameters parameters, int openings, int seed, bool rebuildEachTime = false)
    {
        var rng = new SeededWordSource(seed);
        Goldilocks[] table = rng.NextArray<Goldilocks>(1 << NumVariables);
        LigeroProverState state = LigeroProver.Commit(table, parameters, new SeededSaltSource(seed + 1));
        var system = new RevealedSystem(state.RowCount, state.RowLength, parameters.DegreeBound(state.RowLength), state.CommittedRowCount);
        for (int o = 0; o < openings; o++)
        {
            GoldilocksExt2[] point = rng.NextArray<GoldilocksExt2>(NumVariables);
            if (rebuildEachTime)
            {
                state = LigeroProver.Commit(table, parameters, new SeededSaltSource(seed + 1));
            }

            LigeroOpeningProof<GoldilocksExt2> proof = LigeroProver.Open(new Transcript(Protocol), state, point, out GoldilocksExt2 value);
            Assert.True(LigeroVerifier.Verify(new Transcript(Protocol), state.Commitment, parameters, point, value, proof));
            system.AddOpening(state.Commitment, parameters, point, value, proof);
        }

        return (table, system);
    }

    /// <summary>The attacker: linear equations in the committed coefficients <c>c[i·D + e]</c>, kept in echelon form.</summary>
    private sealed class RevealedSystem
    {
        private readonly List<(Goldilocks[] Row, Goldilocks Value, int Pivot)> _basis = [];
        private readonly int rows;
        private readonly int k;
        private readonly int d;
        private readonly int height;

        public RevealedSystem(int rows, int k, int d, int height)
        {
            (this.rows, this.k, this.d, this.height) = (rows, k, d, height);

            // What the attacker knows of an honest prover: every mask set's μ = μ_1 + X^(D/2) μ_2 + X^D μ_3 sums to 0 over H_k.
            for (int masks = rows; masks < height; masks += LigeroParameters.HidingMaskRows)
            {
                for (int component = 0; component < 2; component++)
                {
                    var equation = new Goldilocks[height * d];
                    for (int e = 0; e < 2 * d; e += k)
                    {
                        for (int part = 0; part < 3; part++)
                        {
                            int offset = e - (part * d / 2);
                            if (offset >= 0 && offset < d)
                            {
                                equation[((masks + (2 * part) + component) * d) + offset] += Goldilocks.One;
                            }
                        }
                    }

                    Add(equation, Goldilocks.Zero);
                }
            }
        }

        public List<(Goldilocks[] Functional, Goldilocks Value)> Openings { get; } = [];

        public void AddOpening(LigeroCommitment commitment, LigeroParameters parameters, GoldilocksExt2[] point, GoldilocksExt2 value, LigeroOpeningProof<GoldilocksExt2> proof)
        {
            // The public challenges, replayed from the transcript as the verifier derives them.
            int n = parameters.CodewordLength(commitment.NumVariables);
            var transcript = new Transcript(Protocol);
            (GoldilocksExt2[] gamma, GoldilocksExt2 scale) = LigeroProtocol.BeginOpening(
                transcript, commitment, parameters, point, value, rows + LigeroMasking.EvaluationMaskRows, proof.MaskIndex ?? 0);
            int[] indices = LigeroProtocol.QueryColumns(transcript, proof.ProximityRow, proof.EvaluationRow, n, parameters.ColumnQueries);
            int masks = rows + ((proof.MaskIndex ?? 0) * LigeroParameters.HidingMaskRows);

            // Opened columns: P_i(η_j) = Σ_e c[i, e] η_j^e for every committed row.
            Goldilocks[] points = LigeroProtocol.QueriedPoints(indices, n);
            for (int q = 0; q < indices.Length; q++)
            {
                ReadOnlySpan<Goldilocks> column = proof.GetColumn(q);
                for (int i = 0; i < height; i++)
                {
                    var equation = new Goldilocks[height * d];
                    Goldilocks power = Goldilocks.One;
                    for (int e = 0; e < d; e++)
                    {
                        equation[(i * d) + e] = power;
                        power *= points[q];
                    }

                    Add(equation, column[i]);
                }
            }

            // Proximity row, per coefficient e and component: Σ γ_i c[i, e] over the data rows and μ's rows, plus R's component.
            for (int e = 0; e < d; e++)
            {
                for (int component = 0; component < 2; component++)
                {
                    var equation = new Goldilocks[height * d];
                    for (int i = 0; i < rows; i++)
                    {
                        equation[(i * d) + e] = gamma[i].GetCoefficient(component);
                    }

                    for (int j = 0; j < LigeroMasking.EvaluationMaskRows; j++)
                    {
                        equation[((masks + j) * d) + e] = gamma[rows + j].GetCoefficient(component);
                    }

                    equation[((masks + 6 + component) * d) + e] = Goldilocks.One;
                    Add(equation, proof.ProximityRow[e].GetCoefficient(component));
                }
            }

            // Evaluation row: q = (Σ_i a_i P_i)·b̂ + λ·(μ_1 + X^(D/2) μ_2 + X^D μ_3), μ's parts pairs of base rows (c_0 + c_1·u).
            int rowVariables = parameters.RowVariables(commitment.NumVariables);
            GoldilocksExt2[] a = EqPolynomial.Table<GoldilocksExt2>(point[..rowVariables]);
            GoldilocksExt2[] b = LigeroMasking.Interpolate<GoldilocksExt2>(EqPolynomial.Table<GoldilocksExt2>(point[rowVariables..]));
            GoldilocksExt2[] scaleOfComponent = [scale, scale * LigeroMasking.Pair<GoldilocksExt2>(Goldilocks.Zero, Goldilocks.One)];
            for (int e = 0; e < 2 * d; e++)
            {
                var equations = new[] { new Goldilocks[height * d], new Goldilocks[height * d] };
                void Put(int index, GoldilocksExt2 weight)
                {
                    equations[0][index] += weight.GetCoefficient(0);
                    equations[1][index] += weight.GetCoefficient(1);
                }

                for (int i = 0; i < rows; i++)
                {
                    for (int e1 = Math.Max(0, e - k + 1); e1 <= Math.Min(e, d - 1); e1++)
                    {
                        Put((i * d) + e1, a[i] * b[e - e1]);
                    }
                }

                for (int part = 0; part < 3; part++)
                {
                    int offset = e - (part * d / 2);
                    if (offset >= 0 && offset < d)
                    {
                        for (int component = 0; component < 2; component++)
                        {
                            Put(((masks + (2 * part) + component) * d) + offset, scaleOfComponent[component]);
                        }
                    }
                }

                Add(equations[0], proof.EvaluationRow[e].GetCoefficient(0));
                Add(equations[1], proof.EvaluationRow[e].GetCoefficient(1));
            }

            // The proven value, as two base functionals of the table entries (for the sanity check of the attacker's machinery).
            GoldilocksExt2[] eq = EqPolynomial.Table<GoldilocksExt2>(point);
            for (int component = 0; component < 2; component++)
            {
                var functional = new Goldilocks[height * d];
                for (int x = 0; x < eq.Length; x++)
                {
                    Goldilocks[] entry = Entry(x / k, x % k);
                    for (int u = 0; u < entry.Length; u++)
                    {
                        functional[u] += eq[x].GetCoefficient(component) * entry[u];
                    }
                }

                Openings.Add((functional, value.GetCoefficient(component)));
            }
        }

        /// <summary>Every table entry the revealed equations determine (null where they do not).</summary>
        public Goldilocks?[] RecoverTable()
        {
            var table = new Goldilocks?[rows * k];
            for (int x = 0; x < table.Length; x++)
            {
                table[x] = Determines(Entry(x / k, x % k), out Goldilocks value) ? value : null;
            }

            return table;
        }

        /// <summary>Whether the functional lies in the span of the revealed equations, and its value if so.</summary>
        public bool Determines(Goldilocks[] functional, out Goldilocks value)
        {
            (Goldilocks[] residual, Goldilocks accumulated) = Reduce((Goldilocks[])functional.Clone(), Goldilocks.Zero);
            value = -accumulated;
            return residual.All(x => x.IsZero);
        }

        /// <summary>Table entry (i, j) as a functional of the coefficients: <c>P_i(ω_k^j)</c>.</summary>
        private Goldilocks[] Entry(int i, int j)
        {
            var functional = new Goldilocks[height * d];
            Goldilocks zeta = Goldilocks.Pow(Goldilocks.RootOfUnity(System.Numerics.BitOperations.Log2((uint)k)), (ulong)j);
            Goldilocks power = Goldilocks.One;
            for (int e = 0; e < d; e++)
            {
                functional[(i * d) + e] = power;
                power *= zeta;
            }

            return functional;
        }

        private void Add(Goldilocks[] equation, Goldilocks value)
        {
            (Goldilocks[] residual, Goldilocks rest) = Reduce(equation, value);
            int pivot = Array.FindIndex(residual, x => !x.IsZero);
            if (pivot < 0)
            {
                // A dependent equation must be consistent: the model of what the proofs reveal is exact.
                Assert.True(rest.IsZero, "The revealed equations are inconsistent with the model of the opening.");
                return;
            }

            Goldilocks inverse = Goldilocks.Invert(residual[pivot]);
            for (int u = pivot; u < residual.Length; u++)
            {
                residual[u] *= inverse;
            }

            _basis.Add((residual, rest * inverse, pivot));
        }

        /// <summary>Subtracts basis rows from <paramref name="equation"/> (value tracked alongside) until no pivot of the basis is left in it.</summary>
        private (Goldilocks[] Residual, Goldilocks Value) Reduce(Goldilocks[] equation, Goldilocks value)
        {
            foreach ((Goldilocks[] row, Goldilocks rowValue, int pivot) in _basis)
            {
                Goldilocks factor = equation[pivot];
                if (factor.IsZero)
                {
                    continue;
                }

                for (int u = pivot; u < row.Length; u++)
                {
                    equation[u] -= factor * row[u];
                }

                value -= factor * rowValue;
            }

            return (equation, value);
        }
    }
}
