using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Xml;
using System.Xml.Linq;

namespace GeminiImage.Engine.Imaging;

/// <summary>The two serialized forms of <see cref="ImageProvenance"/>: JSON (PNG iTXt) and XMP (JPEG, WebP).</summary>
internal static class ProvenanceFormat
{
    /// <summary>PNG iTXt keyword holding the JSON document.</summary>
    public const string PngKeyword = "GeminiImage";
    /// <summary>XMP namespace of the GeminiImage properties (prefix "GeminiImage").</summary>
    public const string XmpNamespace = "urn:geminiimage:provenance:1.0/";

    private static readonly XNamespace _x = "adobe:ns:meta/";
    private static readonly XNamespace _rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    private static readonly XNamespace _dc = "http://purl.org/dc/elements/1.1/";
    private static readonly XNamespace _xmp = "http://ns.adobe.com/xap/1.0/";
    private static readonly XNamespace _gi = XmpNamespace;

    private static readonly JsonSerializerOptions _json = new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Keep non-ASCII prompts readable in other tools; iTXt is UTF-8.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(ImageProvenance p) => JsonSerializer.Serialize(p, _json);

    public static ImageProvenance? FromJson(string json)
    {
        try
        {
            var p = JsonSerializer.Deserialize<ImageProvenance>(json, _json);
            if (p?.CreatedUtc != null) p.CreatedUtc = DateTime.SpecifyKind(p.CreatedUtc.Value.ToUniversalTime(), DateTimeKind.Utc);
            return p;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string FormatDate(DateTime value) =>
        DateTime.SpecifyKind(value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value, DateTimeKind.Utc)
            .ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>An XMP packet with standard dc:description / xmp:CreatorTool / xmp:CreateDate for other tools
    /// and every field under the GeminiImage namespace for an exact round trip.</summary>
    public static byte[] ToXmp(ImageProvenance p)
    {
        var description = new XElement(_rdf + "Description",
            new XAttribute(_rdf + "about", ""),
            new XAttribute(XNamespace.Xmlns + "dc", _dc.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "xmp", _xmp.NamespaceName),
            new XAttribute(XNamespace.Xmlns + "GeminiImage", _gi.NamespaceName));
        if (p.Prompt != null)
            description.Add(new XElement(_dc + "description", new XElement(_rdf + "Alt",
                new XElement(_rdf + "li", new XAttribute(XNamespace.Xml + "lang", "x-default"), p.Prompt))));
        if (p.Generator != null) description.Add(new XElement(_xmp + "CreatorTool", p.Generator));
        if (p.CreatedUtc != null) description.Add(new XElement(_xmp + "CreateDate", FormatDate(p.CreatedUtc.Value)));

        void Add(string name, string? value)
        {
            if (value != null) description.Add(new XElement(_gi + name, value));
        }
        Add("Prompt", p.Prompt);
        Add("Model", p.Model);
        Add("AspectRatio", p.AspectRatio);
        Add("ImageSize", p.ImageSize);
        Add("CreatedUtc", p.CreatedUtc == null ? null : FormatDate(p.CreatedUtc.Value));
        Add("Cost", p.Cost?.ToString(CultureInfo.InvariantCulture));
        Add("Generator", p.Generator);
        Add("Tag", p.Tag);
        Add("ResponseId", p.ResponseId);
        void AddList(string name, System.Collections.Generic.IReadOnlyList<string> values)
        {
            if (values.Count > 0)
                description.Add(new XElement(_gi + name, new XElement(_rdf + "Seq", values.Select(s => new XElement(_rdf + "li", s)))));
        }
        AddList("SourceImages", p.SourceImages);
        AddList("DerivedFrom", p.DerivedFrom);

        var root = new XElement(_x + "xmpmeta", new XAttribute(XNamespace.Xmlns + "x", _x.NamespaceName),
            new XElement(_rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", _rdf.NamespaceName), description));
        var packet = "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" + root + "\n<?xpacket end=\"w\"?>";
        return Encoding.UTF8.GetBytes(packet);
    }

    /// <summary>The GeminiImage properties of an XMP packet, or null when it has none or is not valid XML.
    /// Accepts both element and attribute form, since other tools may rewrite the packet either way.</summary>
    public static ImageProvenance? FromXmp(byte[] packet)
    {
        XDocument doc;
        try
        {
            var text = Encoding.UTF8.GetString(packet).Trim('\uFEFF', '\0', ' ', '\r', '\n', '\t');
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var reader = XmlReader.Create(new StringReader(text), settings);
            doc = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var descriptions = doc.Descendants(_rdf + "Description").ToList();
        string? Get(string name) =>
            descriptions.Select(d => d.Element(_gi + name)?.Value ?? d.Attribute(_gi + name)?.Value).FirstOrDefault(v => v != null);

        var hasAny = descriptions.Any(d => d.Elements().Any(e => e.Name.Namespace == _gi) || d.Attributes().Any(a => a.Name.Namespace == _gi));
        if (!hasAny) return null;

        var p = new ImageProvenance
        {
            Prompt = Get("Prompt"),
            Model = Get("Model"),
            AspectRatio = Get("AspectRatio"),
            ImageSize = Get("ImageSize"),
            Generator = Get("Generator"),
            Tag = Get("Tag"),
            ResponseId = Get("ResponseId"),
        };
        if (DateTime.TryParse(Get("CreatedUtc"), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var created))
            p.CreatedUtc = created;
        if (decimal.TryParse(Get("Cost"), NumberStyles.Number, CultureInfo.InvariantCulture, out var cost))
            p.Cost = cost;
        System.Collections.Generic.IReadOnlyList<string> List(string name) =>
            doc.Descendants(_gi + name).FirstOrDefault()?.Descendants(_rdf + "li").Select(li => li.Value).ToList() ?? (System.Collections.Generic.IReadOnlyList<string>)Array.Empty<string>();
        p.SourceImages = List("SourceImages");
        p.DerivedFrom = List("DerivedFrom");
        return p;
    }

    /// <summary>Copy with the prompt shortened (marked with "…") so the XMP packet fits <paramref name="maxBytes"/>.</summary>
    public static byte[] ToXmpWithin(ImageProvenance p, int maxBytes)
    {
        var packet = ToXmp(p);
        var prompt = p.Prompt ?? "";
        while (packet.Length > maxBytes && prompt.Length > 0)
        {
            prompt = prompt.Substring(0, prompt.Length / 2);
            packet = ToXmp(Copy(p, prompt + "…"));
        }
        if (packet.Length > maxBytes) throw new ArgumentException("The provenance is too large for one JPEG metadata segment.", nameof(p));
        return packet;
    }

    private static ImageProvenance Copy(ImageProvenance p, string prompt) => new ImageProvenance
    {
        Prompt = prompt,
        Model = p.Model,
        AspectRatio = p.AspectRatio,
        ImageSize = p.ImageSize,
        CreatedUtc = p.CreatedUtc,
        Cost = p.Cost,
        SourceImages = p.SourceImages,
        Generator = p.Generator,
        Tag = p.Tag,
        ResponseId = p.ResponseId,
    };
}
