using System.Text;
using System.Text.Json;

namespace Thestage.Inference.Torch;

/// <summary>
/// A small JSON form of an architecture (a list of <see cref="ModuleSpec"/>), so a model can travel as
/// "architecture.json + the file written by Module.save" and a server can rebuild the IR with neither TorchSharp nor
/// libtorch. Example: <c>{"layers":[{"kind":"Conv2d","name":"0","stride":2,"padding":1},{"kind":"Square"},{"kind":"Flatten"},{"kind":"Linear","name":"3"}]}</c>.
/// Parsing treats the text as untrusted: unknown kinds or properties, missing or ill-typed values and oversized input are
/// <see cref="InvalidDataException"/>s.
/// </summary>
public static class ArchitectureJson
{
    /// <summary>The longest text accepted, in characters.</summary>
    public const int MaxLength = 1 << 20;

    /// <summary>The most layers accepted.</summary>
    public const int MaxLayers = 10_000;

    /// <summary>Writes the architecture as JSON.</summary>
    /// <param name="layers">The layers, in forward order.</param>
    public static string Serialize(IReadOnlyList<ModuleSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("layers");
            foreach (ModuleSpec layer in layers)
            {
                ArgumentNullException.ThrowIfNull(layer, nameof(layers));
                Write(json, layer);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads an architecture written by <see cref="Serialize"/> (or by hand).</summary>
    /// <param name="text">The JSON text.</param>
    /// <exception cref="InvalidDataException">The text is not a valid architecture.</exception>
    public static IReadOnlyList<ModuleSpec> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > MaxLength)
        {
            throw new InvalidDataException($"The architecture is {text.Length} characters; at most {MaxLength} are accepted.");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("layers", out JsonElement layers) || layers.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("The architecture must be an object with a \"layers\" array.");
            }

            Only(root, "architecture", "layers");
            if (layers.GetArrayLength() > MaxLayers)
            {
                throw new InvalidDataException($"The architecture has {layers.GetArrayLength()} layers; at most {MaxLayers} are accepted.");
            }

            return layers.EnumerateArray().Select((layer, i) => Read(layer, i)).ToArray();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The architecture is not valid JSON: {e.Message}", e);
        }
    }

    private static void Write(Utf8JsonWriter json, ModuleSpec layer)
    {
        json.WriteStartObject();
        json.WriteString("kind", layer.Kind.ToString());
        switch (layer.Kind)
        {
            case ModuleKind.Linear:
                json.WriteString("name", layer.Name);
                break;
            case ModuleKind.Conv2d:
                json.WriteString("name", layer.Name);
                json.WriteNumber("stride", layer.Stride);
                json.WriteNumber("padding", layer.Padding);
                break;
            case ModuleKind.AvgPool2d:
                json.WriteNumber("kernelSize", layer.KernelSize);
                json.WriteNumber("stride", layer.Stride);
                break;
            case ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d:
                json.WriteString("name", layer.Name);
                json.WriteNumber("epsilon", layer.Epsilon);
                break;
            case ModuleKind.Polynomial:
                json.WriteString("label", layer.Label);
                if (layer.InputScale != 1 || layer.InputOffset != 0)
                {
                    json.WriteNumber("inputScale", layer.InputScale);
                    json.WriteNumber("inputOffset", layer.InputOffset);
                }

                json.WriteStartArray("coefficients");
                foreach (double c in layer.Coefficients)
                {
                    json.WriteNumberValue(c);
                }

                json.WriteEndArray();
                break;
        }

        json.WriteEndObject();
    }

    private static ModuleSpec Read(JsonElement layer, int index)
    {
        string where = $"layer {index}";
        if (layer.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The architecture's {where} is not an object.");
        }

        string kindText = String(layer, "kind", where);
        if (!Enum.GetNames<ModuleKind>().Contains(kindText, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"The architecture's {where} has kind \"{kindText}\"; known kinds: {string.Join(", ", Enum.GetNames<ModuleKind>())}.");
        }

        ModuleKind kind = Enum.Parse<ModuleKind>(kindText);
        try
        {
            switch (kind)
            {
                case ModuleKind.Linear:
                    Only(layer, where, "kind", "name");
                    return ModuleSpec.Linear(String(layer, "name", where));
                case ModuleKind.Conv2d:
                    Only(layer, where, "kind", "name", "stride", "padding");
                    return ModuleSpec.Conv2d(String(layer, "name", where), Int(layer, "stride", where, 1), Int(layer, "padding", where, 0));
                case ModuleKind.AvgPool2d:
                    Only(layer, where, "kind", "kernelSize", "stride");
                    int k = Int(layer, "kernelSize", where, null);
                    return ModuleSpec.AvgPool2d(k, Int(layer, "stride", where, k));
                case ModuleKind.BatchNorm1d or ModuleKind.BatchNorm2d:
                    Only(layer, where, "kind", "name", "epsilon");
                    return ModuleSpec.BatchNorm(kind, String(layer, "name", where), layer.TryGetProperty("epsilon", out JsonElement eps) ? Number(eps, "epsilon", where) : 1e-5);
                case ModuleKind.Polynomial:
                    Only(layer, where, "kind", "label", "coefficients", "inputScale", "inputOffset");
                    if (!layer.TryGetProperty("coefficients", out JsonElement c) || c.ValueKind != JsonValueKind.Array || c.GetArrayLength() is 0 or > 64)
                    {
                        throw new InvalidDataException($"The architecture's {where} needs a \"coefficients\" array of 1–64 numbers.");
                    }

                    string? label = layer.TryGetProperty("label", out _) ? String(layer, "label", where) : null;
                    if (label?.Length > 200)
                    {
                        throw new InvalidDataException($"The architecture's {where} has a label of {label.Length} characters; at most 200 are accepted.");
                    }

                    double scale = layer.TryGetProperty("inputScale", out JsonElement a) ? Number(a, "inputScale", where) : 1;
                    double offset = layer.TryGetProperty("inputOffset", out JsonElement b) ? Number(b, "inputOffset", where) : 0;
                    return ModuleSpec.Polynomial(c.EnumerateArray().Select(v => Number(v, "coefficients", where)).ToArray(), label, scale, offset);
                default:
                    Only(layer, where, "kind");
                    return ModuleSpec.Of(kind);
            }
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The architecture's {where} ({kind}) is invalid: {e.Message}", e);
        }
    }

    private static void Only(JsonElement element, string where, params string[] allowed)
    {
        foreach (JsonProperty property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"The architecture's {where} has an unknown property \"{property.Name}\" (allowed: {string.Join(", ", allowed)}).");
            }
        }
    }

    private static string String(JsonElement element, string name, string where) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"The architecture's {where} needs a string \"{name}\".");

    private static int Int(JsonElement element, string name, string where, int? fallback)
    {
        if (!element.TryGetProperty(name, out JsonElement value))
        {
            return fallback ?? throw new InvalidDataException($"The architecture's {where} needs an integer \"{name}\".");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result)
            ? result
            : throw new InvalidDataException($"The architecture's {where} has a non-integer \"{name}\".");
    }

    private static double Number(JsonElement value, string name, string where) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double result) && double.IsFinite(result)
            ? result
            : throw new InvalidDataException($"The architecture's {where} has a non-numeric or non-finite \"{name}\".");
}
