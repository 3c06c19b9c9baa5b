namespace Thestage.Privacy.Rlwe;

/// <summary>Relinearization keys: the key-switching key from s² to s.</summary>
public sealed class RelinKeys
{
    internal RelinKeys(RlweContext context, KeySwitchingKey key)
    {
        Context = context;
        Key = key;
    }

    internal RlweContext Context { get; }

    internal KeySwitchingKey Key { get; }
}
