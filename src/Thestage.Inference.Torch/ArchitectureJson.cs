using System.Text;
using System.Text.Json;

namespace Thestage.Inference.Torch;

/// <summary>
/// A small JSON form of an architecture (a list of <see cref="LayerSpec"/>), so a model can travel as
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
    public static string Serialize(IReadOnlyList<LayerSpec> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("layers");
            foreach (LayerSpec layer in layers)
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
    public static IReadOnlyList<LayerSpec> Parse(string text)
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

    private static void Write(Utf8JsonWriter json, LayerSpec layer)
    {
        json.WriteStartObject();
        json.WriteString("kind", layer.Kind.ToString());
        switch (layer.Kind)
        {
            case LayerKind.Linear:
                json.WriteString("name", layer.Name);
                break;
            case LayerKind.Conv2d:
                json.WriteString("name", layer.Name);
                json.WriteNumber("stride", layer.Stride);
                json.WriteNumber("padding", layer.Padding);
                break;
            case LayerKind.AvgPool2d:
                json.WriteNumber("kernelSize", layer.KernelSize);
                json.WriteNumber("stride", layer.Stride);
                break;
            case LayerKind.BatchNorm1d or LayerKind.BatchNorm2d:
                json.WriteString("name", layer.Name);
                json.WriteNumber("epsilon", layer.Epsilon);
                break;
            case LayerKind.Polynomial:
                json.WriteString("label", layer.Label);
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

    private static LayerSpec Read(JsonElement layer, int index)
    {
        string where = $"layer {index}";
        if (layer.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"The architecture's {where} is not an object.");
        }

        string kindText = String(layer, "kind", where);
        if (!Enum.GetNames<LayerKind>().Contains(kindText, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"The architecture's {where} has kind \"{kindText}\"; known kinds: {string.Join(", ", Enum.GetNames<LayerKind>())}.");
        }

        LayerKind kind = Enum.Parse<LayerKind>(kindText);
        try
        {
            switch (kind)
            {
                case LayerKind.Linear:
                    Only(layer, where, "kind", "name");
                    return LayerSpec.Linear(String(layer, "name", where));
                case LayerKind.Conv2d:
                    Only(layer, where, "kind", "name", "stride", "padding");
                    return LayerSpec.Conv2d(String(layer, "name", where), Int(layer, "stride", where, 1), Int(layer, "padding", where, 0));
                case LayerKind.AvgPool2d:
                    Only(layer, where, "kind", "kernelSize", "stride");
                    int k = Int(layer, "kernelSize", where, null);
                    return LayerSpec.AvgPool2d(k, Int(layer, "stride", where, k));
                case LayerKind.BatchNorm1d or LayerKind.BatchNorm2d:
                    Only(layer, where, "kind", "name", "epsilon");
                    return LayerSpec.BatchNorm(kind, String(layer, "name", where), layer.TryGetProperty("epsilon", out JsonElement eps) ? Number(eps, "epsilon", where) : 1e-5);
                case LayerKind.Polynomial:
                    Only(layer, where, "kind", "label", "coefficients");
                    if (!layer.TryGetProperty("coefficients", out JsonElement c) || c.ValueKind != JsonValueKind.Array || c.GetArrayLength() is 0 or > 64)
                    {
                        throw new InvalidDataException($"The architecture's {where} needs a \"coefficients\" array of 1–64 numbers.");
                    }

                    string? label = layer.TryGetProperty("label", out _) ? String(layer, "label", where) : null;
                    if (label?.Length > 200)
                    {
                        throw new InvalidDataException($"The architecture's {where} has a label of {label.Length} characters; at most 200 are accepted.");
                    }

                    return LayerSpec.Polynomial(c.EnumerateArray().Select(v => Number(v, "coefficients", where)).ToArray(), label);
                default:
                    Only(layer, where, "kind");
                    return LayerSpec.Of(kind);
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
