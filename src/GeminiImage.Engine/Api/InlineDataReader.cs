using System.Buffers;
using System.Buffers.Text;

namespace GeminiImage.Engine.Api;

/// <summary>
/// Reads a generateContent answer from the wire a buffer at a time. Each <c>inlineData.data</c> value (the base64
/// image: 1.3 MB of text at 1K, tens of MB at 4K) is decoded as it streams, into pooled blocks, and replaced in the JSON
/// by a short stand-in, so System.Text.Json only sees the few KB around the images: the base64 text is never held
/// whole (the serializer would buffer it in arrays that double up to its size) and each image stays in the pooled
/// blocks it was decoded into (<see cref="ImageBytes"/>, the part's <see cref="Blob.Decoded"/>), never copied into one
/// large array. Answers past <paramref name="maxBytes"/> stop with a clear error, not an out-of-memory.
/// </summary>
internal sealed class InlineDataReader : IDisposable
{
    private const int BlockSize = ImageBytes.BlockSize;
    // The stand-in's bytes: a marker no image starts with, then the image's index.
    private static readonly byte[] s_marker = Encoding.ASCII.GetBytes("GIMG-INLINE:");

    private readonly long _maxBytes;
    private readonly MemoryStream _json = new();
    private readonly List<ImageBytes> _images = new();
    // The key each open object or array is the value of (null: none, or not a short key).
    private readonly Stack<string?> _containers = new();
    private readonly byte[] _key = new byte[16];
    private int _keyLength = -1;
    private string? _lastString;
    private string? _pendingKey;
    private State _state;
    private bool _escaped;
    private long _total;

    // The image being decoded: base64 text not yet decoded, the bytes decoded so far.
    private ImageBytes? _image;
    private byte[]? _base64;
    private int _base64Length;
    // Set when the images belong to the parsed answer (until then, a failure returns their blocks).
    private bool _handedOver;
    private readonly byte[] _escape = new byte[6];
    private int _escapeLength;

    private enum State { Json, String, Base64 }

    private InlineDataReader(long maxBytes) => _maxBytes = maxBytes;

    /// <summary>Reads and parses the answer; the images are in their parts' <see cref="Blob.Decoded"/>.</summary>
    /// <exception cref="GeminiResponseFormatException">The body is not valid JSON, or ends early (a truncated image).</exception>
    /// <exception cref="GeminiResponseTooLargeException">The body passes <paramref name="maxBytes"/>.</exception>
    public static async Task<GenerateContentResponse> ReadAsync(Stream stream, long maxBytes, CancellationToken token)
    {
        using var reader = new InlineDataReader(maxBytes);
        var buffer = ImageBytes.RentBlock();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, 0, BlockSize, token).ConfigureAwait(false)) > 0)
                reader.Feed(buffer, read);
        }
        finally
        {
            ImageBytes.ReturnBlock(buffer);
        }
        return reader.Finish();
    }

    private void Feed(byte[] buffer, int count)
    {
        _total += count;
        if (_total > _maxBytes) throw new GeminiResponseTooLargeException(_maxBytes);
        var i = 0;
        while (i < count)
        {
            switch (_state)
            {
                case State.Base64:
                    i = FeedBase64(buffer, i, count);
                    break;
                case State.String:
                    i = FeedString(buffer, i, count);
                    break;
                default:
                    FeedJson(buffer[i++]);
                    break;
            }
        }
    }

    private void FeedJson(byte b)
    {
        switch (b)
        {
            case (byte)'"':
                if (_pendingKey == "data" && _containers.Count > 0 && _containers.Peek() is "inlineData" or "inline_data")
                {
                    _state = State.Base64;
                    _base64 ??= ImageBytes.RentBlock();
                    _base64Length = 0;
                    _image = ImageBytes.Pooled();
                    _pendingKey = null;
                    return;
                }
                _state = State.String;
                _keyLength = 0;
                _pendingKey = null;
                break;
            case (byte)':':
                _pendingKey = _lastString;
                break;
            case (byte)',':
                _pendingKey = null;
                break;
            case (byte)'{':
            case (byte)'[':
                _containers.Push(_pendingKey);
                _pendingKey = null;
                break;
            case (byte)'}':
            case (byte)']':
                if (_containers.Count > 0) _containers.Pop();
                break;
        }
        // A string is a key only when a colon follows it (white space aside).
        if (b is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) _lastString = null;
        _json.WriteByte(b);
    }

    private int FeedString(byte[] buffer, int i, int count)
    {
        var start = i;
        for (; i < count; i++)
        {
            var b = buffer[i];
            if (_escaped) { _escaped = false; _keyLength = -1; continue; }
            if (b == (byte)'\\') { _escaped = true; continue; }
            if (b == (byte)'"')
            {
                _json.Write(buffer, start, i + 1 - start);
                _lastString = _keyLength >= 0 ? Encoding.ASCII.GetString(_key, 0, _keyLength) : null;
                _state = State.Json;
                return i + 1;
            }
            if (_keyLength >= 0 && _keyLength < _key.Length) _key[_keyLength++] = b;
            else _keyLength = -1;
        }
        _json.Write(buffer, start, count - start);
        return count;
    }

    private int FeedBase64(byte[] buffer, int i, int count)
    {
        for (; i < count; i++)
        {
            // The common case: a run of plain base64 up to the closing quote or an escape, copied and decoded in bulk
            // (a byte-at-a-time loop cost more CPU than the decoding itself).
            if (_escapeLength == 0)
            {
                var end = RunLength(new ReadOnlySpan<byte>(buffer, i, count - i));
                if (end > 0)
                {
                    Base64Run(buffer, i, end);
                    i += end;
                    if (i == count) return count;
                }
            }
            var b = buffer[i];
            if (_escapeLength > 0)
            {
                _escape[_escapeLength++] = b;
                if (_escape[1] != (byte)'u') { Base64Byte(Unescape(_escape[1])); _escapeLength = 0; }
                else if (_escapeLength == 6) { Base64Byte(Unescape()); _escapeLength = 0; }
                continue;
            }
            if (b == (byte)'\\') { _escape[0] = b; _escapeLength = 1; continue; }
            if (b == (byte)'"')
            {
                EndImage();
                return i + 1;
            }
            Base64Byte(b);
        }
        return count;
    }

    // \/ is a slash; \n, \r and \t are line breaks between base64 lines (skipped); anything else cannot be base64.
    private static byte Unescape(byte b) => b switch
    {
        (byte)'/' => (byte)'/',
        (byte)'n' or (byte)'r' or (byte)'t' => (byte)' ',
        _ => (byte)'!',
    };

    private byte Unescape()
    {
        var hex = Encoding.ASCII.GetString(_escape, 2, 4);
        if (!int.TryParse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code) || code > 127)
            throw new GeminiResponseFormatException("The service returned an image whose base64 text holds a character that is not base64.");
        return (byte)code;
    }

    /// <summary>
    /// How many bytes of <paramref name="span"/> are plain base64: up to the closing quote, an escape or white space
    /// (skipped). Searched for with the two- and three-value searches, which are vectorized: the six-value IndexOfAny
    /// is not, and was most of the CPU time of reading an answer.
    /// </summary>
    private static int RunLength(ReadOnlySpan<byte> span)
    {
        var end = span.IndexOfAny((byte)'"', (byte)'\\');
        if (end < 0) end = span.Length;
        var run = span.Slice(0, end);
        var space = run.IndexOfAny((byte)' ', (byte)'\n', (byte)'\r');
        if (space >= 0) run = run.Slice(0, space);
        var tab = run.IndexOf((byte)'\t');
        return tab >= 0 ? tab : run.Length;
    }

    /// <summary>Plain base64 bytes (no escape, no white space, no quote), staged a block at a time and decoded.</summary>
    private void Base64Run(byte[] buffer, int offset, int count)
    {
        while (count > 0)
        {
            var n = Math.Min(count, BlockSize - _base64Length);
            Buffer.BlockCopy(buffer, offset, _base64!, _base64Length, n);
            _base64Length += n;
            offset += n;
            count -= n;
            if (_base64Length == BlockSize) DecodeBase64(final: false);
        }
    }

    private void Base64Byte(byte b)
    {
        // JSON may carry line breaks in base64 (MIME style) as escapes; they are not data.
        if (b is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t') return;
        _base64![_base64Length++] = b;
        if (_base64Length == BlockSize) DecodeBase64(final: false);
    }

    private void DecodeBase64(bool final)
    {
        var output = ArrayPool<byte>.Shared.Rent(BlockSize / 4 * 3);
        try
        {
            var status = Base64.DecodeFromUtf8(new ReadOnlySpan<byte>(_base64, 0, _base64Length), output, out var consumed, out var written, final);
            if (status == OperationStatus.InvalidData || (final && status != OperationStatus.Done))
                throw new GeminiResponseFormatException("The service returned an image whose base64 text is not valid (cut short or damaged); nothing was saved.");
            // What did not make a whole group of four waits for the next bytes.
            Buffer.BlockCopy(_base64!, consumed, _base64!, 0, _base64Length - consumed);
            _base64Length -= consumed;
            _image!.Append(new ReadOnlySpan<byte>(output, 0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private void EndImage()
    {
        DecodeBase64(final: true);
        var standIn = new byte[s_marker.Length + 4];
        Buffer.BlockCopy(s_marker, 0, standIn, 0, s_marker.Length);
        BitConverter.GetBytes(_images.Count).CopyTo(standIn, s_marker.Length);
        _images.Add(_image!);
        _image = null;
        var text = Encoding.ASCII.GetBytes("\"" + Convert.ToBase64String(standIn) + "\"");
        _json.Write(text, 0, text.Length);
        _lastString = null;
        _state = State.Json;
    }

    private GenerateContentResponse Finish()
    {
        if (_state == State.Base64)
            throw new GeminiResponseFormatException($"The answer ended in the middle of an image ({_image!.Length + _base64Length * 3L / 4:N0} bytes of it had arrived): the response was cut short; nothing was saved.");
        GenerateContentResponse? response;
        try
        {
            response = JsonSerializer.Deserialize<GenerateContentResponse>(new ReadOnlySpan<byte>(_json.GetBuffer(), 0, (int)_json.Length), GeminiJson.Options);
        }
        catch (JsonException ex)
        {
            throw new GeminiResponseFormatException($"The service returned a body that is not a valid Gemini response ({ex.Message.Split('.')[0]}).", ex);
        }
        if (response == null) throw new GeminiResponseFormatException("The service returned an empty body.");
        foreach (var candidate in response.Candidates ?? new List<Candidate>())
            foreach (var part in candidate.Content?.Parts ?? new List<Part>())
                if (part.InlineData is { } blob && StandIn(blob.Data) is { } index)
                    blob.Decoded = _images[index];
        _handedOver = true;
        return response;
    }

    private int? StandIn(byte[] data)
    {
        if (data.Length != s_marker.Length + 4) return null;
        for (var i = 0; i < s_marker.Length; i++)
            if (data[i] != s_marker[i]) return null;
        var index = BitConverter.ToInt32(data, s_marker.Length);
        return index >= 0 && index < _images.Count ? index : null;
    }

    public void Dispose()
    {
        _image?.Dispose();
        _image = null;
        if (!_handedOver)
            foreach (var image in _images) image.Dispose();
        if (_base64 != null) ImageBytes.ReturnBlock(_base64);
        _base64 = null;
    }
}
