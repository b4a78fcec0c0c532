using System.Buffers.Binary;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace DeepTrain.Tests.Reports;

/// <summary>Reads image headers without a graphics library: PNG signature + IHDR, SVG root attributes.</summary>
public static class ImageFiles
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static (int Width, int Height) PngSize(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 33, $"{path}: too short for a PNG");
        Assert.Equal(PngSignature, b[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(b, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(b.AsSpan(20)));
    }

    public static (double Width, double Height) SvgSize(string path)
    {
        var doc = XDocument.Load(path);
        Assert.Equal("svg", doc.Root!.Name.LocalName);
        static double num(string? a) => double.Parse(Regex.Match(a ?? "", @"^[0-9.]+").Value, System.Globalization.CultureInfo.InvariantCulture);
        return (num(doc.Root.Attribute("width")?.Value), num(doc.Root.Attribute("height")?.Value));
    }

    /// <summary>Text with XML namespace declarations removed: a namespace name is an identifier, never fetched.</summary>
    public static string WithoutNamespaceDeclarations(string xml) =>
        Regex.Replace(xml, @"\sxmlns(:\w+)?=""[^""]*""", "");
}
