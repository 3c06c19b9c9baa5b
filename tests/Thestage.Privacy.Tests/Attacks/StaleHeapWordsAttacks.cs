using Thestage.Privacy.Ckks;
using Thestage.Privacy.Rlwe;

namespace Thestage.Privacy.Tests.Attacks;

/// <summary>
/// Results that are allocated without clearing (<see cref="GC.AllocateUninitializedArray{T}(int, bool)"/>: a decrypted
/// plaintext, the products and squares of the evaluator) would hand another party whatever the process freed there
/// before — a key, a message — if any word were left unwritten. The attack fills the large-object heap with freed
/// arrays of a marker, then runs each operation and reads its result: every word must be the independently computed
/// value (so none is stale), and no word may be the marker.
/// </summary>
public sealed class StaleHeapWordsAttacks
{
    private const ulong Marker = 0x5EC2_E75E_C2E7_5EC2;

    [Fact]
    public void StaleHeapWords_InDecryptedPlaintextsAndProducts_AreNeverReturned()
    {
        var context = new CkksContext(new CkksParameters(4096, [50, 40, 40, 50]), SecurityLevel.None);
        var keygen = new KeyGenerator(context);
        var encoder = new CkksEncoder(context);
        var encryptor = new Encryptor(context, keygen.CreatePublicKey());
        var decryptor = new Decryptor(context, keygen.SecretKey);
        var evaluator = new Evaluator(context);
        var random = new Random(5);
        double[] values = Enumerable.Range(0, encoder.SlotCount).Select(_ => random.NextDouble() - 0.5).ToArray();
        Plaintext plain = encoder.Encode(values, 1L << 30);
        Ciphertext c = encryptor.Encrypt(plain);
        int n = context.N;

        for (int round = 0; round < 4; round++)
        {
            SprayFreedMarkers(c.Length * 2);
            Plaintext decrypted = decryptor.Decrypt(c);
            Ciphertext square = evaluator.Square(c), weighted = evaluator.MultiplyPlain(c, plain);
            for (int i = 0; i < c.LimbCount; i++)
            {
                UInt128 q = context.KeyModuli[i].Value;
                ulong[] s = keygen.SecretKey.Data.AsSpan(i * n, n).ToArray();
                ulong[] c0 = c.Limb(0, i).ToArray(), c1 = c.Limb(1, i).ToArray(), p = plain.Limb(i).ToArray();
                Assert.Equal(Enumerable.Range(0, n).Select(j => (ulong)((c0[j] + c1[j] * (UInt128)s[j]) % q)), decrypted.Limb(i).ToArray());
                Assert.Equal(c1.Select(v => (ulong)(v * (UInt128)v % q)), square.Limb(2, i).ToArray());
                Assert.Equal(c1.Select((v, j) => (ulong)(v * (UInt128)p[j] % q)), weighted.Limb(1, i).ToArray());
            }

            Assert.DoesNotContain(Marker, decrypted.Data);
            Assert.DoesNotContain(Marker, square.Data);
            Assert.DoesNotContain(Marker, weighted.Data);
        }
    }

    // Large-object-heap arrays of the results' sizes, filled with the marker and dropped, then collected: the freed
    // space the next uninitialized allocations are likely to reuse.
    private static void SprayFreedMarkers(int words)
    {
        for (int k = 0; k < 16; k++)
        {
            var a = new ulong[words / 2 + k * 64];
            Array.Fill(a, Marker);
            GC.KeepAlive(a);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
