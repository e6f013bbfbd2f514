using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using GeminiImage.Engine.Catalog;

namespace GeminiImage.Emulator;

/// <summary>
/// A local Gemini API (v1beta) on 127.0.0.1 speaking the real wire format: generateContent, Files API and
/// Batch API, with fault injection and a request log, plus an HTTP control API under <c>/emulator/</c>.
/// </summary>
public sealed class GeminiEmulator : IDisposable
{
    /// <summary>The request header that carries <see cref="ControlToken"/> on <c>/emulator/</c> calls.</summary>
    public const string ControlTokenHeader = "X-Emulator-Token";

    private const long MaxBodyBytes = 110L * 1024 * 1024;
    private const string HtmlBadGateway = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx</center>\n</body></html>\n";

    private readonly HttpListener _listener;
    private readonly EmulatorOptions _options;
    /// <summary>"" or the API path prefix, e.g. "/gemini".</summary>
    private readonly string _prefix;
    private readonly OAuthTokens _tokens = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<EmulatorRequest> _log = new();
    private readonly FaultQueue _faults = new();
    private readonly FileStore _files;
    private readonly BatchStore _batches;
    private readonly ConcurrentDictionary<string, byte> _signatures = new();
    private readonly Queue<DateTimeOffset> _window = new();
    private readonly HashSet<string> _retired = new(StringComparer.OrdinalIgnoreCase);
    private CancellationTokenSource _hangs = new();
    private GivenImage? _image;
    private long _latencyTicks;
    private int _requestsPerMinuteLimit;
    private int _listModelsPageLimit;
    private volatile bool _holdBatches;
    private int _stopped;
    private int _inFlight;

    private GeminiEmulator(HttpListener listener, int port, EmulatorOptions options)
    {
        _listener = listener;
        _options = options;
        var root = new Uri(listener.Prefixes.First());
        _prefix = string.IsNullOrWhiteSpace(options.PathPrefix) ? "" : "/" + options.PathPrefix!.Trim('/');
        BaseUri = _prefix.Length == 0 ? root : new Uri(root, _prefix.TrimStart('/') + "/");
        TokenUri = new Uri(root, "token");
        ApiKey = string.IsNullOrEmpty(options.ApiKey) ? "emu-" + Wire.Hex(Wire.RandomBytes(16)) : options.ApiKey!;
        ControlToken = Wire.Hex(Wire.RandomBytes(32));
        Latency = options.Latency;
        ImageFile = options.ImageFile;
        _files = new FileStore(options.UploadBaseUri ?? BaseUri);
        _batches = new BatchStore(_files, NewSignature, SignatureCheck);
        _ = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts an emulator on a free (or the configured) port of 127.0.0.1.</summary>
    public static GeminiEmulator Start(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        var attempts = options.Port == 0 ? 5 : 1;
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port == 0 ? FreePort() : options.Port;
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                try
                {
                    listener.Start();
                }
                catch (HttpListenerException) when (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    // On Windows, http.sys lets a non-administrator listen on "localhost" but not on "127.0.0.1"
                    // without a URL reservation; "localhost" resolves to the same loopback address.
                    listener.Close();
                    listener = new HttpListener();
                    listener.Prefixes.Add($"http://localhost:{port}/");
                    listener.Start();
                }
                return new GeminiEmulator(listener, port, options);
            }
            catch (HttpListenerException) when (attempt < attempts)
            {
                // Another process took the port between probing and binding; try another one.
                listener.Close();
            }
        }
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:54321/</c> (with the path prefix, if any); append <c>v1beta/…</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>The OAuth 2.0 token endpoint (as oauth2.googleapis.com/token): put it in a service-account key file's <c>token_uri</c>.</summary>
    public Uri TokenUri { get; }

    /// <summary>How long the access tokens it issues live (default one hour); Vertex AI calls with an expired one get 401.</summary>
    public TimeSpan TokenLifetime
    {
        get => _tokens.Lifetime;
        set => _tokens.Lifetime = value;
    }

    /// <summary>Lets a service account (by client_email) exchange JWTs signed with the key whose public part this is.</summary>
    public void TrustServiceAccount(string clientEmail, System.Security.Cryptography.RSAParameters publicKey) => _tokens.Trust(clientEmail, publicKey);

    /// <summary>The API key the emulator accepts: the configured one, or a random one made for this instance.</summary>
    public string ApiKey { get; }

    /// <summary>
    /// A random token made for this instance; every <c>/emulator/</c> control call must send it in the
    /// <see cref="ControlTokenHeader"/> header. A custom header also keeps browser pages out (it needs a CORS
    /// preflight, which the emulator never grants).
    /// </summary>
    public string ControlToken { get; }

    /// <summary>Simulated latency of each generate request (applied asynchronously).</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, Math.Max(0, value.Ticks));
    }

    /// <summary>
    /// The file every generated image is answered with (PNG, JPEG or WebP bytes sent as is, with their own MIME type),
    /// or null for drawn images of the requested size. Setting it reads the file once.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not a PNG, JPEG or WebP image.</exception>
    public string? ImageFile
    {
        get => Volatile.Read(ref _image)?.Path;
        set => Volatile.Write(ref _image, value == null ? null : GivenImage.Load(value));
    }

    /// <summary>Generate requests allowed per sliding minute; more get 429 with RetryInfo. 0 = unlimited.</summary>
    public int RequestsPerMinuteLimit
    {
        get => Volatile.Read(ref _requestsPerMinuteLimit);
        set => Volatile.Write(ref _requestsPerMinuteLimit, Math.Max(0, value));
    }

    /// <summary>Most models per models.list page whatever pageSize asks (0 = Google's own limit of 1000), to exercise paging.</summary>
    public int ListModelsPageLimit
    {
        get => Volatile.Read(ref _listModelsPageLimit);
        set => Volatile.Write(ref _listModelsPageLimit, Math.Max(0, value));
    }

    /// <summary>When true, new batches stay PENDING until <see cref="AdvanceBatch"/> moves them on.</summary>
    public bool HoldBatches
    {
        get => _holdBatches;
        set => _holdBatches = value;
    }

    /// <summary>A snapshot of the API requests received so far (control calls excluded).</summary>
    public IReadOnlyList<EmulatorRequest> Requests
    {
        get { lock (_log) return _log.ToArray(); }
    }

    /// <summary>Number of API requests received so far.</summary>
    public int RequestCount
    {
        get { lock (_log) return _log.Count; }
    }

    /// <summary>Every thoughtSignature the emulator has put into a response (kept across <see cref="Reset"/>).</summary>
    public IReadOnlyCollection<string> IssuedThoughtSignatures => _signatures.Keys.ToArray();

    /// <summary>Queues a fault for upcoming matching generateContent requests.</summary>
    public void EnqueueFault(EmulatorFault fault) => _faults.Enqueue(fault ?? throw new ArgumentNullException(nameof(fault)));

    /// <summary>Removes all queued faults.</summary>
    public void ClearFaults() => _faults.Clear();

    /// <summary>Clears the log, faults, files, batches and the rate-limit window, and releases hung requests.</summary>
    public void Reset()
    {
        lock (_log) _log.Clear();
        _faults.Clear();
        _files.Clear();
        _batches.Clear();
        lock (_window) _window.Clear();
        lock (_retired) _retired.Clear();
        var hangs = Interlocked.Exchange(ref _hangs, new CancellationTokenSource());
        hangs.Cancel();
        hangs.Dispose();
    }

    /// <summary>Moves a batch one step (PENDING → RUNNING → SUCCEEDED) and returns its new state, e.g. "BATCH_STATE_RUNNING".</summary>
    public string AdvanceBatch(string id)
    {
        if (!_batches.TryGet(StripPrefix(id, "batches/"), out var job)) throw new KeyNotFoundException($"No batch '{id}'.");
        return _batches.Advance(job);
    }

    /// <summary>Stops listening and aborts requests still in flight (including hung ones).</summary>
    public void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0) return;
        _stop.Cancel();
        _hangs.Cancel();
        // Let cancelled requests abort their own connections first: closing the listener under them
        // would answer them with an empty 200.
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (Volatile.Read(ref _inFlight) > 0 && DateTime.UtcNow < deadline) Thread.Sleep(5);
        try
        {
            _listener.Stop();
            _listener.Close();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException || e is ObjectDisposedException || e is InvalidOperationException)
            {
                if (_stop.IsCancellationRequested) return;
                continue;
            }
            Interlocked.Increment(ref _inFlight);
            _ = Task.Run(async () =>
            {
                try { await HandleAsync(context).ConfigureAwait(false); }
                finally { Interlocked.Decrement(ref _inFlight); }
            });
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        var query = Wire.ParseQuery(request.Url.Query);
        EmulatorRequest? entry = null;
        Reply reply;
        try
        {
            if (path.StartsWith("/emulator/", StringComparison.Ordinal))
            {
                reply = await HandleControlAsync(request, path).ConfigureAwait(false);
            }
            else
            {
                // The path never holds the key; the query string might (?key=), so it is not logged.
                entry = new EmulatorRequest { Time = DateTimeOffset.UtcNow, Method = request.HttpMethod, Path = path, HeaderNames = request.Headers.AllKeys.Where(k => k != null).Select(k => k!).ToArray() };
                lock (_log) _log.Add(entry);
                // The token endpoint is its own host at Google; here it sits at the root, outside any prefix.
                if (path == "/token" && request.HttpMethod == "POST")
                {
                    reply = _tokens.Exchange(Encoding.UTF8.GetString(await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false)), TokenUri);
                }
                else
                {
                    // Behind a prefix, as a gateway re-exposes the API, the bare paths do not exist.
                    if (_prefix.Length > 0 && !path.StartsWith(_prefix + "/", StringComparison.Ordinal))
                        throw GoogleError.NotFound($"The requested URL {path} ({request.HttpMethod}) is not served here; the API is under {_prefix}/.");
                    reply = await HandleApiAsync(request, path.Substring(_prefix.Length), query, entry).ConfigureAwait(false);
                }
            }
        }
        catch (GoogleError e)
        {
            reply = e.ToReply();
        }
        catch (OperationCanceledException)
        {
            // Stopped, reset, or a Hang fault released: drop the connection without an answer.
            Abort(context);
            return;
        }
        catch (Exception e) when (e is HttpListenerException || e is IOException || e is ObjectDisposedException)
        {
            Abort(context);
            return;
        }
        catch (Exception e)
        {
            reply = new GoogleError(500, "INTERNAL", "Emulator failure: " + e.Message).ToReply();
        }
        if (entry != null) entry.StatusCode = reply.StatusCode;
        await SendAsync(context, reply).ConfigureAwait(false);
    }

    private static void Abort(HttpListenerContext context)
    {
        // The managed HttpListener writes default "200 OK" headers even when aborting; promising a body byte
        // that never comes makes the client see a broken connection instead of an empty success.
        try
        {
            context.Response.ContentLength64 = 1;
            context.Response.Abort();
        }
        catch (Exception e) when (e is ObjectDisposedException || e is HttpListenerException || e is InvalidOperationException) { }
    }

    private static async Task SendAsync(HttpListenerContext context, Reply reply)
    {
        var response = context.Response;
        try
        {
            response.StatusCode = reply.StatusCode;
            response.ContentType = reply.ContentType;
            foreach (var header in reply.Headers) response.AddHeader(header.Key, header.Value);
            response.ContentLength64 = reply.Body.Length;
            await response.OutputStream.WriteAsync(reply.Body, 0, reply.Body.Length).ConfigureAwait(false);
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException || e is IOException || e is ObjectDisposedException || e is InvalidOperationException)
        {
            // The client went away.
            Abort(context);
        }
    }

    // ---------------------------------------------------------------- API routing

    private async Task<Reply> HandleApiAsync(HttpListenerRequest request, string path, Dictionary<string, string> query, EmulatorRequest entry)
    {
        var method = request.HttpMethod;
        // A resumable upload URL carries its own session id and needs no key, as at Google.
        var isUploadChunk = path == "/upload/v1beta/files" && query.ContainsKey("upload_id");
        if (VertexModel(path) is { } vertex)
        {
            CheckVertexCredentials(request, query, entry);
            entry.Model = vertex.Model;
            if (method == "POST" && vertex.Method == "generateContent") return await GenerateAsync(request, vertex.Model, entry, stream: false, query).ConfigureAwait(false);
            if (method == "POST" && vertex.Method == "streamGenerateContent") return await GenerateAsync(request, vertex.Model, entry, stream: true, query).ConfigureAwait(false);
            throw GoogleError.NotFound($"Method {vertex.Method} is not served by the emulator's Vertex AI endpoint.");
        }
        if (!isUploadChunk) CheckKey(request, query, entry);

        if (path == "/v1beta/models" && method == "GET")
        {
            return ModelList.List(query, IsRetired, ListModelsPageLimit);
        }
        if (path.StartsWith("/v1beta/models/", StringComparison.Ordinal))
        {
            var rest = path.Substring("/v1beta/models/".Length);
            if (method == "GET" && rest.IndexOf(':') < 0) return ModelList.Get(rest, IsRetired);
            var colon = rest.LastIndexOf(':');
            if (colon > 0 && method == "POST")
            {
                var model = rest.Substring(0, colon);
                entry.Model = model;
                switch (rest.Substring(colon + 1))
                {
                    case "generateContent": return await GenerateAsync(request, model, entry, stream: false, query).ConfigureAwait(false);
                    case "streamGenerateContent": return await GenerateAsync(request, model, entry, stream: true, query).ConfigureAwait(false);
                    case "batchGenerateContent": return await CreateBatchAsync(request, model, entry).ConfigureAwait(false);
                }
            }
        }
        else if (path == "/upload/v1beta/files" && method == "POST")
        {
            return await UploadAsync(request, query).ConfigureAwait(false);
        }
        else if (path == "/v1beta/files" && method == "GET")
        {
            return ListFiles(query);
        }
        else if (path.StartsWith("/v1beta/files/", StringComparison.Ordinal))
        {
            return FileOperation(method, path.Substring("/v1beta/files/".Length));
        }
        else if (path == "/v1beta/batches" && method == "GET")
        {
            return ListBatches(query);
        }
        else if (path.StartsWith("/v1beta/batches/", StringComparison.Ordinal))
        {
            return BatchOperation(method, path.Substring("/v1beta/batches/".Length));
        }
        throw GoogleError.NotFound($"The requested URL {path} ({method}) is not served by the Gemini emulator.");
    }

    /// <summary>
    /// Vertex AI: <c>/{v1|v1beta1}/projects/{p}/locations/{l}/publishers/google/models/{m}:{method}</c>, or the express-mode
    /// <c>/{v1|v1beta1}/publishers/google/models/{m}:{method}</c>; null for any other path.
    /// </summary>
    private static (string Model, string Method)? VertexModel(string path)
    {
        var parts = path.Trim('/').Split('/');
        if (parts.Length < 5 || (parts[0] != "v1" && parts[0] != "v1beta1")) return null;
        var at = parts[1] == "projects" && parts.Length == 9 && parts[3] == "locations" ? 5 : parts[1] == "publishers" && parts.Length == 5 ? 1 : -1;
        if (at < 0 || parts[at] != "publishers" || parts[at + 1] != "google" || parts[at + 2] != "models") return null;
        var last = parts[at + 3];
        var colon = last.LastIndexOf(':');
        return colon > 0 ? (last.Substring(0, colon), last.Substring(colon + 1)) : null;
    }

    /// <summary>Vertex AI takes an OAuth access token this emulator issued and that has not expired, or an express-mode key.</summary>
    private void CheckVertexCredentials(HttpListenerRequest request, Dictionary<string, string> query, EmulatorRequest entry)
    {
        var authorization = request.Headers["Authorization"];
        if (authorization != null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            entry.AuthStyle = "Bearer";
            entry.ApiKeyPresent = true;
            entry.ApiKeyValid = _tokens.IsValid(authorization.Substring(7).Trim());
            if (!entry.ApiKeyValid)
                throw GoogleError.Unauthenticated("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
            return;
        }
        CheckKey(request, query, entry);
    }

    private void CheckKey(HttpListenerRequest request, Dictionary<string, string> query, EmulatorRequest entry)
    {
        var header = request.Headers["x-goog-api-key"];
        query.TryGetValue("key", out var inQuery);
        var authorization = request.Headers["Authorization"];
        var bearer = authorization != null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization.Substring(7).Trim() : null;
        entry.AuthStyle = bearer != null ? "Bearer" : !string.IsNullOrEmpty(inQuery) ? "Query" : !string.IsNullOrEmpty(header) ? "Header" : null;
        string? key;
        switch (_options.AuthMode)
        {
            case EmulatorAuthMode.Bearer:
                key = bearer;
                entry.ApiKeyPresent = !string.IsNullOrEmpty(key);
                if (!entry.ApiKeyPresent) throw GoogleError.Unauthenticated("Missing bearer token: this gateway takes the key only as Authorization: Bearer <key>.");
                break;
            case EmulatorAuthMode.Query:
                key = inQuery;
                entry.ApiKeyPresent = !string.IsNullOrEmpty(key);
                if (!entry.ApiKeyPresent) throw GoogleError.Unauthenticated("Missing key: this gateway takes the key only as the query parameter key=.");
                break;
            default:
                key = !string.IsNullOrEmpty(header) ? header : inQuery;
                // Google reads an Authorization header as an OAuth token, which an API key is not.
                if (string.IsNullOrEmpty(key) && bearer != null)
                    throw GoogleError.Unauthenticated("Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.");
                break;
        }
        entry.ApiKeyPresent = !string.IsNullOrEmpty(key);
        entry.ApiKeyValid = entry.ApiKeyPresent && (_options.AcceptAnyKey || FixedTimeEquals(key, ApiKey));
        if (!entry.ApiKeyValid) throw GoogleError.ApiKeyInvalid();
    }

    private static async Task<byte[]> ReadBodyAsync(HttpListenerRequest request, CancellationToken token)
    {
        if (!request.HasEntityBody) return Array.Empty<byte>();
        if (request.ContentLength64 > MaxBodyBytes)
            throw new GoogleError(413, "INVALID_ARGUMENT", $"Request payload size exceeds the limit: {MaxBodyBytes} bytes.");
        using var buffer = new MemoryStream(request.ContentLength64 > 0 ? (int)request.ContentLength64 : 64 * 1024);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.InputStream.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
                throw new GoogleError(413, "INVALID_ARGUMENT", $"Request payload size exceeds the limit: {MaxBodyBytes} bytes.");
        }
        return buffer.ToArray();
    }

    private static JsonDocument ParseJson(byte[] body)
    {
        try
        {
            return JsonDocument.Parse(body.Length == 0 ? Encoding.UTF8.GetBytes("{}") : body);
        }
        catch (JsonException e)
        {
            throw GoogleError.InvalidArgument($"Invalid JSON payload received. {e.Message}");
        }
    }

    // ---------------------------------------------------------------- generateContent

    private async Task<Reply> GenerateAsync(HttpListenerRequest request, string model, EmulatorRequest entry, bool stream, Dictionary<string, string> query)
    {
        var info = LiveModel(model, stream ? "streamGenerateContent" : "generateContent");
        var body = await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false);
        entry.SetRawJson(body);
        using var doc = ParseJson(body);
        // The images are decoded and hashed once, by Parse; a request it rejects is described with them for the log.
        GenerateCall.Describe(doc.RootElement, entry, withImages: false);
        GenerateCall call;
        try { call = GenerateCall.Parse(info, doc.RootElement, _files, SignatureCheck); }
        catch (GoogleError)
        {
            GenerateCall.Describe(doc.RootElement, entry);
            throw;
        }
        call.GivenImage = Volatile.Read(ref _image);
        entry.InputImageHashes = call.Images.ConvertAll(i => i.Hash);

        CheckRateLimit(info.Id);
        var fault = FaultQueue.FromDirective(call.Prompt) ?? _faults.Take(call.Prompt);
        entry.Fault = fault?.Kind.ToString();
        var outcome = Outcome.Image;
        switch (fault?.Kind)
        {
            case EmulatorFaultKind.RateLimited429: throw GoogleError.ResourceExhausted(info.Id, fault.RetryDelay, daily: false);
            case EmulatorFaultKind.DailyQuota429: throw GoogleError.ResourceExhausted(info.Id, fault.RetryDelay, daily: true);
            case EmulatorFaultKind.ServerError500: throw GoogleError.Internal();
            case EmulatorFaultKind.Unavailable503: throw GoogleError.Unavailable();
            case EmulatorFaultKind.BadRequest400: throw GoogleError.InvalidArgument("Request contains an invalid argument.");
            case EmulatorFaultKind.HtmlError502: return Reply.Text(502, HtmlBadGateway, "text/html; charset=UTF-8");
            // Caught with the other broken-connection errors, which abort the connection without an answer.
            case EmulatorFaultKind.DroppedConnection: throw new IOException("Emulator fault: connection dropped.");
            case EmulatorFaultKind.Hang:
                using (var hang = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, _hangs.Token))
                    await Task.Delay(Timeout.Infinite, hang.Token).ConfigureAwait(false);
                break;
            case EmulatorFaultKind.PromptBlocked: outcome = Outcome.PromptBlocked; break;
            case EmulatorFaultKind.ImageSafety: outcome = Outcome.ImageSafety; break;
            case EmulatorFaultKind.TextOnly: outcome = Outcome.TextOnly; break;
        }

        var delay = Latency + (fault?.Kind == EmulatorFaultKind.Slow ? fault.Delay : TimeSpan.Zero);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _stop.Token).ConfigureAwait(false);

        var json = ResponseBuilder.Build(call, outcome, NewSignature, out var sent);
        if (fault?.Kind is not (EmulatorFaultKind.MalformedBody or EmulatorFaultKind.TruncatedBody))
        {
            entry.Usage = sent.Usage;
            entry.ImagesReturned = sent.Images;
        }
        if (fault?.Kind == EmulatorFaultKind.MalformedBody)
            return Reply.Text(200, "<<emulator: this is not JSON>> {\"candidates\": [", Reply.JsonType);
        if (fault?.Kind == EmulatorFaultKind.TruncatedBody)
        {
            var cut = new byte[json.Length / 2];
            Array.Copy(json, cut, cut.Length);
            return new Reply(200, cut);
        }
        if (!stream) return new Reply(200, json);
        // Images arrive whole in one event (reference §2.2), so a single chunk is a faithful stream.
        if (query.TryGetValue("alt", out var alt) && alt == "sse")
        {
            var sse = new MemoryStream();
            var prefix = Encoding.UTF8.GetBytes("data: ");
            sse.Write(prefix, 0, prefix.Length);
            sse.Write(json, 0, json.Length);
            sse.Write(new byte[] { (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n' }, 0, 4);
            return new Reply(200, sse.ToArray(), "text/event-stream");
        }
        var array = new byte[json.Length + 2];
        array[0] = (byte)'[';
        Array.Copy(json, 0, array, 1, json.Length);
        array[array.Length - 1] = (byte)']';
        return new Reply(200, array);
    }

    /// <summary>The catalog model Google would serve today; shut-down and retired ids get Google's 404.</summary>
    private ModelInfo LiveModel(string model, string method)
    {
        var id = StripPrefix(model, "models/");
        if (!ModelCatalog.Default.TryGet(id, out var info) || info.Status == ModelStatus.ShutDown || IsRetired(info.Id))
            throw GoogleError.ModelNotFound(id, method);
        return info;
    }

    private bool IsRetired(string id)
    {
        lock (_retired) return _retired.Contains(id);
    }

    /// <summary>
    /// Model ids answered with 404 although the catalog lists them live: what happens when Google retires a model
    /// after the catalog was shipped.
    /// </summary>
    public IReadOnlyCollection<string> RetiredModels
    {
        get { lock (_retired) return _retired.ToArray(); }
        set
        {
            lock (_retired)
            {
                _retired.Clear();
                foreach (var id in value ?? Array.Empty<string>()) _retired.Add(StripPrefix(id, "models/"));
            }
        }
    }

    private void CheckRateLimit(string model)
    {
        var limit = RequestsPerMinuteLimit;
        var now = DateTimeOffset.UtcNow;
        lock (_window)
        {
            while (_window.Count > 0 && now - _window.Peek() >= TimeSpan.FromMinutes(1)) _window.Dequeue();
            if (limit > 0 && _window.Count >= limit)
            {
                var wait = _window.Peek().AddMinutes(1) - now;
                throw GoogleError.ResourceExhausted(model, TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds))), daily: false);
            }
            _window.Enqueue(now);
        }
    }

    private string NewSignature()
    {
        var signature = Convert.ToBase64String(Wire.RandomBytes(48));
        _signatures[signature] = 0;
        return signature;
    }

    private Func<string, bool>? SignatureCheck => _options.ValidateThoughtSignatures ? s => _signatures.ContainsKey(s) : null;

    private static string StripPrefix(string id, string prefix) => id.StartsWith(prefix, StringComparison.Ordinal) ? id.Substring(prefix.Length) : id;

    // ---------------------------------------------------------------- Files API

    private async Task<Reply> UploadAsync(HttpListenerRequest request, Dictionary<string, string> query)
    {
        var command = (request.Headers["X-Goog-Upload-Command"] ?? "").ToLowerInvariant();
        var body = await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false);
        if (!query.TryGetValue("upload_id", out var sessionId))
        {
            if (!string.Equals(request.Headers["X-Goog-Upload-Protocol"], "resumable", StringComparison.OrdinalIgnoreCase) || command != "start")
                throw GoogleError.InvalidArgument("Only resumable uploads are supported: send X-Goog-Upload-Protocol: resumable and X-Goog-Upload-Command: start.");
            using var doc = ParseJson(body);
            var file = doc.RootElement.TryProp("file", out var f) ? f : default;
            var mime = request.Headers["X-Goog-Upload-Header-Content-Type"] ?? file.Str("mimeType") ?? "application/octet-stream";
            var name = file.ValueKind == JsonValueKind.Object ? file.Str("name") : null;
            var session = _files.StartUpload(name == null ? null : StripPrefix(name, "files/"), file.ValueKind == JsonValueKind.Object ? file.Str("displayName") : null, mime);
            return new Reply(200, Array.Empty<byte>(), "text/plain")
                .WithHeader("X-Goog-Upload-URL", _files.UploadUrl(session))
                .WithHeader("X-Goog-Upload-Status", "active")
                .WithHeader("X-Goog-Upload-Chunk-Granularity", "8388608");
        }
        if (!_files.TryGetSession(sessionId, out var open))
            throw GoogleError.NotFound("The upload session does not exist or has already been finalized.");
        var offsetText = request.Headers["X-Goog-Upload-Offset"];
        if (offsetText != null && long.TryParse(offsetText, out var offset) && offset != open.Buffer.Length)
            throw GoogleError.InvalidArgument($"Upload offset {offset} does not match the received size {open.Buffer.Length}.");
        if (command.Contains("upload")) open.Buffer.Write(body, 0, body.Length);
        if (!command.Contains("finalize"))
            return new Reply(200, Array.Empty<byte>(), "text/plain").WithHeader("X-Goog-Upload-Status", "active");
        var stored = _files.Finalize(open);
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("file");
            _files.Write(w, stored);
            w.WriteEndObject();
        }).WithHeader("X-Goog-Upload-Status", "final");
    }

    // Google leaves "files" out of an empty list.
    private Reply ListFiles(Dictionary<string, string> query) => ListPage(_files.List(), query, "files", _files.Write, omitEmpty: true);

    private Reply FileOperation(string method, string rest)
    {
        var download = rest.EndsWith(":download", StringComparison.Ordinal);
        var id = download ? rest.Substring(0, rest.Length - ":download".Length) : rest;
        if (!_files.TryGet(id, out var file))
            throw new GoogleError(403, "PERMISSION_DENIED", $"You do not have permission to access the File {id} or it may not exist.");
        if (download && method == "GET")
        {
            if (file.Source != "GENERATED")
                throw GoogleError.InvalidArgument($"Cannot download the file files/{id}: only files generated by the service can be downloaded.");
            return new Reply(200, file.Data, file.MimeType);
        }
        if (method == "GET") return Reply.Json(200, w => _files.Write(w, file));
        if (method == "DELETE")
        {
            _files.Remove(id);
            return Reply.EmptyObject();
        }
        throw GoogleError.NotFound($"Method {method} is not supported on files/{id}.");
    }

    /// <summary>One page of a list answer (pageSize, pageToken): the items under <paramref name="member"/>, and nextPageToken while more follow.</summary>
    private static Reply ListPage<T>(IReadOnlyList<T> all, Dictionary<string, string> query, string member, Action<Utf8JsonWriter, T> write, bool omitEmpty)
    {
        var size = query.TryGetValue("pageSize", out var s) && int.TryParse(s, out var n) && n > 0 ? Math.Min(n, 100) : 10;
        var start = query.TryGetValue("pageToken", out var t) && int.TryParse(t, out var k) ? k : 0;
        var page = all.Skip(start).Take(size).ToList();
        var next = start + size < all.Count ? (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Reply.Json(200, w =>
        {
            w.WriteStartObject();
            if (page.Count > 0 || !omitEmpty)
            {
                w.WriteStartArray(member);
                foreach (var item in page) write(w, item);
                w.WriteEndArray();
            }
            if (next != null) w.WriteString("nextPageToken", next);
            w.WriteEndObject();
        });
    }

    // ---------------------------------------------------------------- Batch API

    private async Task<Reply> CreateBatchAsync(HttpListenerRequest request, string model, EmulatorRequest entry)
    {
        var info = LiveModel(model, "batchGenerateContent");
        var body = await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false);
        entry.SetRawJson(body);
        using var doc = ParseJson(body);
        var job = _batches.Create(info, doc.RootElement, body.Length);
        var reply = Reply.Json(200, w => BatchStore.Write(w, job));
        if (!HoldBatches)
        {
            _ = Task.Run(() =>
            {
                _batches.Advance(job);
                _batches.Advance(job);
            });
        }
        return reply;
    }

    private Reply ListBatches(Dictionary<string, string> query) => ListPage(_batches.List(), query, "operations", BatchStore.Write, omitEmpty: false);

    private Reply BatchOperation(string method, string rest)
    {
        var cancel = rest.EndsWith(":cancel", StringComparison.Ordinal);
        var id = cancel ? rest.Substring(0, rest.Length - ":cancel".Length) : rest;
        if (!_batches.TryGet(id, out var job)) throw GoogleError.NotFound($"Batch batches/{id} not found.");
        if (cancel && method == "POST")
        {
            _batches.Cancel(job);
            return Reply.EmptyObject();
        }
        if (!cancel && method == "GET") return Reply.Json(200, w => BatchStore.Write(w, job));
        if (!cancel && method == "DELETE")
        {
            _batches.Remove(id);
            return Reply.Json(200, w =>
            {
                w.WriteStartObject();
                w.WriteString("name", "batches/" + id);
                w.WriteBoolean("done", true);
                w.WriteEndObject();
            });
        }
        throw GoogleError.NotFound($"Method {method} is not supported on batches/{rest}.");
    }

    // ---------------------------------------------------------------- control API

    private static bool FixedTimeEquals(string? given, string expected)
    {
        if (given == null || given.Length != expected.Length) return false;
        var difference = 0;
        for (var i = 0; i < expected.Length; i++) difference |= given[i] ^ expected[i];
        return difference == 0;
    }

    private async Task<Reply> HandleControlAsync(HttpListenerRequest request, string path)
    {
        var method = request.HttpMethod;
        if (!FixedTimeEquals(request.Headers[ControlTokenHeader], ControlToken))
            throw new GoogleError(401, "UNAUTHENTICATED", $"Control calls need this emulator's ControlToken in the {ControlTokenHeader} header.");
        try
        {
            switch (path)
            {
                case "/emulator/health" when method == "GET":
                    return Reply.Json(200, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("status", "ok");
                        w.WriteString("baseUri", BaseUri.ToString());
                        w.WriteNumber("requestCount", RequestCount);
                        w.WriteNumber("queuedFaults", _faults.Count);
                        w.WriteEndObject();
                    });
                case "/emulator/requests" when method == "GET":
                    return Reply.Json(200, w => ControlJson.WriteRequests(w, Requests));
                case "/emulator/faults" when method == "POST":
                {
                    using var doc = ParseJson(await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false));
                    var items = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray().ToList() : new List<JsonElement> { doc.RootElement };
                    var faults = items.Select(FaultQueue.Parse).ToList();
                    foreach (var fault in faults) _faults.Enqueue(fault);
                    return Reply.Json(200, w => { w.WriteStartObject(); w.WriteNumber("queued", _faults.Count); w.WriteEndObject(); });
                }
                case "/emulator/faults" when method == "DELETE":
                    ClearFaults();
                    return Reply.EmptyObject();
                case "/emulator/reset" when method == "POST":
                    Reset();
                    return Reply.EmptyObject();
                case "/emulator/settings" when method == "POST":
                {
                    using var doc = ParseJson(await ReadBodyAsync(request, _stop.Token).ConfigureAwait(false));
                    ControlJson.ApplySettings(this, doc.RootElement);
                    return ControlJson.Settings(this);
                }
                case "/emulator/settings" when method == "GET":
                    return ControlJson.Settings(this);
            }
            const string batchPrefix = "/emulator/batches/";
            if (path.StartsWith(batchPrefix, StringComparison.Ordinal) && path.EndsWith(":advance", StringComparison.Ordinal) && method == "POST")
            {
                var id = path.Substring(batchPrefix.Length, path.Length - batchPrefix.Length - ":advance".Length);
                if (!_batches.TryGet(id, out var job)) throw GoogleError.NotFound($"Batch batches/{id} not found.");
                _batches.Advance(job);
                return Reply.Json(200, w => BatchStore.Write(w, job));
            }
            throw GoogleError.NotFound($"Unknown control endpoint {method} {path}.");
        }
        catch (Exception e) when (e is FormatException || e is InvalidOperationException || e is OverflowException || e is ArgumentException)
        {
            throw GoogleError.InvalidArgument(e.Message);
        }
    }
}
