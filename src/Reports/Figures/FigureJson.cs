using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepTrain.Reports.Figures;

/// <summary>
/// The data of a figure as JSON (title, axes, every series with its points in display units), written beside the
/// PNG/SVG so a reader can re-plot or check numbers without the image.
/// </summary>
public static class FigureJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Figure f) => JsonSerializer.Serialize(f, Options);

    public static Figure Deserialize(string json) =>
        JsonSerializer.Deserialize<Figure>(json, Options) ?? throw new JsonException("empty figure JSON");
}
