using System.Security.Cryptography;
using System.Text.RegularExpressions;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Generation;

namespace GeminiImage.Engine.Cache;

/// <summary>
/// The cache key: SHA-256 over everything that determines a request, in a fixed, length-prefixed layout.
/// </summary>
/// <remarks>
/// Covered: the model id, the normalised prompt, the normalised system instruction, the aspect ratio, the image size,
/// the temperature, the seed, the bytes (SHA-256) and MIME type of every input image in order, the chat history, and a
/// variant number (New-GeminiImage -Count n asks for n different images, so request i of n is variant i).
/// Tags, output paths and the API key are not part of the request and not part of the key.
/// <para>
/// Prompt normalisation: Unicode NFC, leading and trailing whitespace trimmed, every run of whitespace (spaces, tabs,
/// line breaks) collapsed to one space. Case is kept: the model's tokenizer is case-sensitive, and case carries meaning
/// in image prompts (text to render such as "SALE" vs "sale", brand names, acronyms), so two prompts differing in
/// case are different requests.
/// </para>
/// </remarks>
public static class CacheKey
{
    private const string Version = "GeminiImage.ResponseCache/1";
    private static readonly Regex s_whitespace = new(@"\s+", RegexOptions.CultureInvariant);

    /// <summary>The text as the key sees it: NFC, trimmed, whitespace runs collapsed to one space, case kept.</summary>
    public static string NormalizePrompt(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        return s_whitespace.Replace(text!.Normalize(NormalizationForm.FormC), " ").Trim();
    }

    /// <summary>64 lowercase hex characters.</summary>
    public static string Compute(ImageRequest request, int variant = 0)
    {
        if (request == null) throw new ArgumentNullException(nameof(request));
        using var buffer = new MemoryStream();
        void Field(string? value)
        {
            if (value == null) { WriteInt(buffer, -1); return; }
            var bytes = Encoding.UTF8.GetBytes(value);
            WriteInt(buffer, bytes.Length);
            buffer.Write(bytes, 0, bytes.Length);
        }

        Field(Version);
        Field(request.Model.Id.ToLowerInvariant());
        Field(NormalizePrompt(request.Prompt));
        Field(string.IsNullOrWhiteSpace(request.SystemInstruction) ? null : NormalizePrompt(request.SystemInstruction));
        Field(request.AspectRatio);
        Field(request.ImageSize?.ToUpperInvariant());
        Field(request.Temperature?.ToString("R", CultureInfo.InvariantCulture));
        Field(request.Seed?.ToString(CultureInfo.InvariantCulture));
        WriteInt(buffer, request.InputImages.Count);
        using (var sha = SHA256.Create())
        {
            foreach (var image in request.InputImages)
            {
                Field(image.MimeType.ToLowerInvariant());
                Field(Hex(sha.ComputeHash(image.Data)));
            }
        }
        Field(request.History.Count == 0 ? null : JsonSerializer.Serialize(request.History, GeminiJson.Options));
        // Only when set, so that keys of plain requests stay what they were.
        if (request.Options.AffectsOutput) Field(request.Options.KeyText);
        WriteInt(buffer, variant);

        using var hash = SHA256.Create();
        return Hex(hash.ComputeHash(buffer.ToArray()));
    }

    internal static string Hex(byte[] bytes)
    {
        var builder = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes) builder.Append(b.ToString("x2", CultureInfo.InvariantCulture));
        return builder.ToString();
    }

    private static void WriteInt(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
        stream.WriteByte((byte)(value >> 16));
        stream.WriteByte((byte)(value >> 24));
    }
}
