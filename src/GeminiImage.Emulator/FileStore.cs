using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace GeminiImage.Emulator;

/// <summary>A Files API file held in memory (reference §8.1).</summary>
internal sealed class StoredFile
{
    public string Id { get; set; } = "";
    public string? DisplayName { get; set; }
    public string MimeType { get; set; } = "application/octet-stream";
    public byte[] Data { get; set; } = Array.Empty<byte>();
    public DateTimeOffset CreateTime { get; set; }
    /// <summary>UPLOADED or GENERATED; only generated files may be downloaded.</summary>
    public string Source { get; set; } = "UPLOADED";
}

/// <summary>An open resumable upload session.</summary>
internal sealed class UploadSession
{
    public string Id { get; set; } = "";
    public string? FileId { get; set; }
    public string? DisplayName { get; set; }
    public string MimeType { get; set; } = "application/octet-stream";
    public MemoryStream Buffer { get; } = new();
}

/// <summary>In-memory Files API: resumable uploads, get/list/delete, download of generated files.</summary>
internal sealed class FileStore
{
    private readonly ConcurrentDictionary<string, StoredFile> _files = new();
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new();
    private readonly Uri _baseUri;

    public FileStore(Uri baseUri) => _baseUri = baseUri;

    public void Clear()
    {
        _files.Clear();
        _sessions.Clear();
    }

    public UploadSession StartUpload(string? fileId, string? displayName, string mimeType)
    {
        var session = new UploadSession { Id = Wire.NewId(24), FileId = fileId, DisplayName = displayName, MimeType = mimeType };
        _sessions[session.Id] = session;
        return session;
    }

    public string UploadUrl(UploadSession session) =>
        new Uri(_baseUri, $"upload/v1beta/files?upload_id={session.Id}&upload_protocol=resumable").ToString();

    public bool TryGetSession(string id, out UploadSession session) => _sessions.TryGetValue(id, out session!);

    public StoredFile Finalize(UploadSession session)
    {
        _sessions.TryRemove(session.Id, out _);
        return Add(session.FileId, session.DisplayName, session.MimeType, session.Buffer.ToArray(), "UPLOADED");
    }

    public StoredFile Add(string? id, string? displayName, string mimeType, byte[] data, string source)
    {
        var file = new StoredFile
        {
            Id = id ?? Wire.NewId(12),
            DisplayName = displayName,
            MimeType = mimeType,
            Data = data,
            CreateTime = DateTimeOffset.UtcNow,
            Source = source,
        };
        _files[file.Id] = file;
        return file;
    }

    public bool TryGet(string id, out StoredFile file) => _files.TryGetValue(id, out file!);

    public bool Remove(string id) => _files.TryRemove(id, out _);

    public IReadOnlyList<StoredFile> List() => _files.Values.OrderByDescending(f => f.CreateTime).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();

    /// <summary>The file a <c>fileData.fileUri</c> points at: our own URI, Google's URI shape, or a bare <c>files/{id}</c>.</summary>
    public StoredFile? Resolve(string fileUri)
    {
        var marker = fileUri.LastIndexOf("files/", StringComparison.Ordinal);
        if (marker < 0) return null;
        var id = fileUri.Substring(marker + 6);
        var cut = id.IndexOfAny(new[] { '?', ':', '/' });
        if (cut >= 0) id = id.Substring(0, cut);
        return TryGet(id, out var file) ? file : null;
    }

    public string FileUri(StoredFile file) => new Uri(_baseUri, $"v1beta/files/{file.Id}").ToString();

    public void Write(Utf8JsonWriter w, StoredFile file)
    {
        w.WriteStartObject();
        w.WriteString("name", "files/" + file.Id);
        if (file.DisplayName != null) w.WriteString("displayName", file.DisplayName);
        w.WriteString("mimeType", file.MimeType);
        w.WriteString("sizeBytes", file.Data.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
        w.WriteString("createTime", Wire.Timestamp(file.CreateTime));
        w.WriteString("updateTime", Wire.Timestamp(file.CreateTime));
        w.WriteString("expirationTime", Wire.Timestamp(file.CreateTime.AddHours(48)));
        using (var sha = SHA256.Create())
            w.WriteString("sha256Hash", Convert.ToBase64String(sha.ComputeHash(file.Data)));
        w.WriteString("uri", FileUri(file));
        if (file.Source == "GENERATED")
            w.WriteString("downloadUri", new Uri(_baseUri, $"v1beta/files/{file.Id}:download?alt=media").ToString());
        w.WriteString("state", "ACTIVE");
        w.WriteString("source", file.Source);
        w.WriteEndObject();
    }
}
