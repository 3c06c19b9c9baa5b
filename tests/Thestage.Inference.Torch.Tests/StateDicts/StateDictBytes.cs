using System.Text;

namespace Thestage.Inference.Torch.Tests.StateDicts;

/// <summary>Writes state-dict bytes by hand (the TorchSharp layout) so tests can forge malformed ones.</summary>
internal sealed class StateDictBytes
{
    private readonly MemoryStream _stream = new();
    private readonly BinaryWriter _writer;

    public StateDictBytes(ulong count)
    {
        _writer = new BinaryWriter(_stream, Encoding.UTF8, leaveOpen: true);
        Leb(count);
    }

    public StateDictBytes Leb(ulong value)
    {
        do
        {
            byte b = (byte)(value & 0x7f);
            value >>= 7;
            _writer.Write(value == 0 ? b : (byte)(b | 0x80));
        }
        while (value != 0);
        return this;
    }

    public StateDictBytes Name(string name)
    {
        _writer.Write(name);
        return this;
    }

    public StateDictBytes Raw(params byte[] bytes)
    {
        _writer.Write(bytes);
        return this;
    }

    /// <summary>A float32 tensor entry.</summary>
    public StateDictBytes Float32(string name, long[] shape, params float[] values)
    {
        Name(name).Leb(6).Leb((ulong)shape.Length);
        foreach (long d in shape)
        {
            Leb((ulong)d);
        }

        foreach (float v in values)
        {
            _writer.Write(v);
        }

        return this;
    }

    public byte[] ToArray()
    {
        _writer.Flush();
        return _stream.ToArray();
    }
}
