using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using GeminiImage.Engine.Resilience;
using Polly;
using Polly.Retry;

namespace GeminiImage.Engine.Api;

/// <summary>The Gemini REST client over HttpClient: URLs from <see cref="ApiEndpoint"/>, credentials from <see cref="RequestAuth"/>, retries through Polly, the shared limiter.</summary>
public sealed class GeminiClient
{
    private static readonly ConcurrentDictionary<string, HttpClient> s_clients = new();
    private static readonly ResiliencePropertyKey<TimeSpan> s_waited = new("GeminiImage.RetryWaited");
    private readonly GeminiClientOptions _options;
    private readonly HttpClient _http;
    private readonly RequestLimiter _limiter;
    private readonly ResiliencePipeline _pipeline;
    private readonly ApiEndpoint _endpoint;
    /// <summary>Opens after repeated failures that fail over, so later calls go straight to the fallback.</summary>
    private readonly FailureCircuit _circuit = new(3);
    private readonly RequestAuth _auth;

    public GeminiClient(GeminiClientOptions options, RequestLimiter? limiter = null)
    {
        _options = options;
        _endpoint = new ApiEndpoint(options.BaseUri, options.ApiVersion, options.Backend, options.Project, options.Location);
        _auth = options.Auth ?? new ApiKeyAuth(options.ApiKey, options.AuthStyle);
        _limiter = limiter ?? RequestLimiter.Shared;
        _http = options.Handler != null ? new HttpClient(options.Handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan } : SharedClient(options.Proxy, options.DirectConnection);
        _pipeline = BuildPipeline();
        FrameworkNetworking.EnableModernTls();
    }

    public GeminiClientOptions Options => _options;

    /// <summary>The URLs this client sends to.</summary>
    public ApiEndpoint Endpoint => _endpoint;

    /// <summary>Where and how this client connects, for a verbose line (no secrets).</summary>
    public string Describe() => $"{_endpoint} with {_auth.Describe()}";

    /// <summary>
    /// POST {version}/models/{model}:generateContent (or the Vertex AI publisher model), classified; on a failure that
    /// says this connection is down, the same request goes to <see cref="GeminiClientOptions.Fallback"/>.
    /// </summary>
    public async Task<GenerateResult> GenerateContentAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken)
    {
        var fallback = _options.Fallback;
        if (fallback != null && _circuit.IsOpen)
            return await fallback.GenerateContentAsync(model, request, cancellationToken).ConfigureAwait(false);
        try
        {
            var result = await GenerateHereAsync(model, request, cancellationToken).ConfigureAwait(false);
            _circuit.RecordSuccess();
            result.Endpoint = _options.Name;
            return result;
        }
        catch (Exception ex) when (fallback != null && FailsOver(ex) && !cancellationToken.IsCancellationRequested)
        {
            var open = _circuit.RecordFailure(ex);
            _options.Verbose?.Invoke($"'{_options.Name}' failed ({RetryClassifier.Describe(ex)}); sending the request to '{fallback.Options.Name}'" +
                (open ? " (and the next ones: its circuit is open)." : "."));
            return await fallback.GenerateContentAsync(model, request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            ex.Data[EndpointKey] = _options.Name;
            throw;
        }
    }

    /// <summary>The <see cref="Exception.Data"/> key that names the connection a failed call went to last.</summary>
    public const string EndpointKey = "GeminiImage.Endpoint";

    /// <summary>Only failures that say the service is unreachable or broken fail over; a 4xx (bad request, safety, daily quota) is the answer.</summary>
    public static bool FailsOver(Exception ex) => ex is GeminiConnectionException || ex is GeminiApiException { HttpStatus: >= 500 };

    private async Task<GenerateResult> GenerateHereAsync(string model, GenerateContentRequest request, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        // Read as it streams: the images are decoded on the way in, never held as base64 text (InlineDataReader).
        var payload = JsonSerializer.SerializeToUtf8Bytes(request, GeminiJson.Options);
        var path = _endpoint.ModelPath(model, "generateContent");
        var response = await SendRawAsync(
            () => NewRequest(HttpMethod.Post, path, payload, "application/json"),
            async (answer, token) =>
            {
                using var stream = await answer.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return await InlineDataReader.ReadAsync(stream, _options.MaxResponseBytes, token).ConfigureAwait(false);
            },
            cancellationToken).ConfigureAwait(false);
        if (response.Error is { ValueKind: JsonValueKind.Object } error)
            throw ErrorEnvelope.Parse(500, "stream error", "{\"error\":" + error.GetRawText() + "}");
        var result = ResponseClassifier.Classify(response);
        result.Duration = watch.Elapsed;
        return result;
    }

    /// <summary>Sends one JSON request through the retry pipeline and reads the JSON answer as a stream.</summary>
    public Task<T> SendAsync<T>(HttpMethod method, string relativePath, object? body, CancellationToken cancellationToken) =>
        // Serialize once; every attempt resends the same bytes.
        SendJsonAsync<T>(method, relativePath, body == null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), GeminiJson.Options), cancellationToken);

    /// <summary>Like <see cref="SendAsync{T}"/> with a body that is already UTF-8 JSON.</summary>
    public Task<T> SendJsonAsync<T>(HttpMethod method, string relativePath, byte[]? payload, CancellationToken cancellationToken) =>
        SendRawAsync(
            () => NewRequest(method, relativePath, payload, "application/json"),
            (response, token) => ReadJsonAsync<T>(response, token),
            cancellationToken);

    /// <summary>
    /// Files API resumable upload (reference §8.1): start, then one "upload, finalize" with the bytes. Returns the File resource.
    /// </summary>
    public async Task<GeminiFile> UploadFileAsync(byte[] data, string mimeType, string displayName, CancellationToken cancellationToken)
    {
        var start = JsonSerializer.SerializeToUtf8Bytes(new { file = new { displayName } }, GeminiJson.Options);
        var uploadUrl = await SendRawAsync(
            () =>
            {
                var request = NewRequest(HttpMethod.Post, "upload/v1beta/files", start, "application/json");
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Protocol", "resumable");
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Command", "start");
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Header-Content-Length", data.LongLength.ToString(System.Globalization.CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Header-Content-Type", mimeType);
                return request;
            },
            (response, _) =>
            {
                foreach (var header in response.Headers)
                    if (string.Equals(header.Key, "X-Goog-Upload-URL", StringComparison.OrdinalIgnoreCase))
                        foreach (var value in header.Value) return Task.FromResult(value);
                throw new GeminiResponseFormatException("The upload start answer has no X-Goog-Upload-URL header.");
            },
            cancellationToken).ConfigureAwait(false);
        var envelope = await SendRawAsync(
            () =>
            {
                var target = new Uri(uploadUrl);
                var request = new HttpRequestMessage(HttpMethod.Post, _options.KeepUploadsOnHost ? _endpoint.KeepOnHost(target) : target) { Content = new ByteArrayContent(data) };
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Offset", "0");
                request.Headers.TryAddWithoutValidation("X-Goog-Upload-Command", "upload, finalize");
                return request;
            },
            (response, token) => ReadJsonAsync<GeminiFileEnvelope>(response, token),
            cancellationToken).ConfigureAwait(false);
        return envelope.File ?? throw new GeminiResponseFormatException("The upload finished without a file resource.");
    }

    /// <summary>GET a raw download (e.g. <c>v1beta/files/{id}:download?alt=media</c>) and hand the body stream to <paramref name="read"/>.</summary>
    public Task<T> DownloadAsync<T>(string relativePath, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken) =>
        SendRawAsync(
            () => NewRequest(HttpMethod.Get, relativePath, null, null),
            async (response, token) =>
            {
                using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                return await read(stream, token).ConfigureAwait(false);
            },
            cancellationToken);

    /// <summary>One logical call: overall timeout, retries, the shared limiter, error parsing; <paramref name="build"/> makes each attempt's request.</summary>
    private async Task<T> SendRawAsync<T>(Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(_options.OverallTimeout);
        var context = ResilienceContextPool.Shared.Get(overall.Token);
        try
        {
            return await _pipeline.ExecuteAsync(
                async ctx => await AttemptAsync(build, read, ctx.CancellationToken).ConfigureAwait(false),
                context).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GeminiTimeoutException($"The request did not complete within the overall timeout of {_options.OverallTimeout.TotalSeconds:0} s.", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string relativePath, byte[]? payload, string? contentType)
    {
        var request = new HttpRequestMessage(method, _endpoint.Resolve(relativePath));
        if (payload != null)
        {
            request.Content = new ByteArrayContent(payload);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/octet-stream");
        }
        return request;
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken token)
    {
        using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(stream, GeminiJson.Options, token).ConfigureAwait(false);
            return value ?? throw new GeminiResponseFormatException("The service returned an empty body.");
        }
        catch (JsonException ex)
        {
            throw new GeminiResponseFormatException($"The service returned a body that is not a valid Gemini response ({ex.Message.Split('.')[0]}).", ex);
        }
    }

    private async Task<T> AttemptAsync<T>(Func<HttpRequestMessage> build, Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var slot = await _limiter.AcquireAsync(cancellationToken, _options.Verbose).ConfigureAwait(false);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var request = build();
        // .NET Framework: enough connections that HttpClient sends at once what the limiter lets through.
        FrameworkNetworking.EnsureConnections(request.RequestUri!, _options.Proxy, _limiter.MaxConcurrency);
        // Credentials and gateway headers go only to the configured service (an upload session URL carries its own authority).
        if (_endpoint.Owns(request.RequestUri!))
        {
            foreach (var header in _options.Headers) request.Headers.TryAddWithoutValidation(header.Key, header.Value);
            await _auth.ApplyAsync(request, attempt.Token).ConfigureAwait(false);
        }
        request.Headers.TryAddWithoutValidation("X-Server-Timeout", ((int)Math.Ceiling(_options.AttemptTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        _options.Debug?.Invoke($"{request.Method} {Scrub(request.RequestUri!.ToString())} ({request.Content?.Headers.ContentLength ?? 0:N0} bytes)");
        var watch = Stopwatch.StartNew();
        // The attempt's clock starts here, as the request goes out, not while it waited for a slot.
        attempt.CancelAfter(_options.AttemptTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token).ConfigureAwait(false);
            _options.Debug?.Invoke($"HTTP {(int)response.StatusCode} after {watch.ElapsedMilliseconds} ms");
            if ((int)response.StatusCode is >= 300 and < 400)
                throw new GeminiApiException((int)response.StatusCode, null,
                    $"The service at {request.RequestUri!.Host} answered HTTP {(int)response.StatusCode} with a redirect to '{Scrub(response.Headers.Location?.ToString() ?? "")}'. API calls never follow redirects, so the request and the key were not sent there; if the service really moved, point -BaseUri at the new address.");
            if (!response.IsSuccessStatusCode)
            {
                var text = Scrub(await response.Content.ReadAsStringAsync().ConfigureAwait(false));
                var error = ErrorEnvelope.Parse((int)response.StatusCode, response.ReasonPhrase, text, RetryAfter(response));
                if (error.HttpStatus == 429 && !error.IsDailyQuota) _limiter.Backoff(error.RetryDelay ?? TimeSpan.FromSeconds(1));
                throw error;
            }
            return await read(response, attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            throw new AttemptTimeoutException(_options.AttemptTimeout);
        }
        catch (HttpRequestException ex) when (FrameworkNetworking.IsTlsFailure(ex))
        {
            throw new GeminiTlsException(Scrub($"The TLS handshake with {request.RequestUri!.Host} failed: {Innermost(ex).Message}"), ex);
        }
        catch (HttpRequestException ex)
        {
            throw new GeminiConnectionException(Scrub($"Could not reach {_options.BaseUri.Host}: {Innermost(ex).Message}"), ex);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GeminiConnectionException(Scrub($"The connection to {_options.BaseUri.Host} broke: {ex.Message}"), ex);
        }
    }

    /// <summary>Text with every credential and every URL's <c>key=</c> value removed (errors, debug lines).</summary>
    private string Scrub(string text)
    {
        text = ApiEndpoint.RedactUrls(text);
        foreach (var secret in _auth.Secrets)
            if (secret.Length > 0) text = text.Replace(secret, "****");
        return text;
    }

    private ResiliencePipeline BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder();
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromSeconds(1),
                MaxDelay = _options.MaxRetryDelay,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(RetryClassifier.IsRetryable),
                DelayGenerator = args =>
                {
                    var server = args.Outcome.Exception is { } ex ? RetryClassifier.ServerDelay(ex) : null;
                    if (server == null) return new ValueTask<TimeSpan?>((TimeSpan?)null);
                    // A little jitter so that parallel workers do not return in lockstep.
                    var jitter = TimeSpan.FromMilliseconds(ThreadSafeRandom.Next(0, 250));
                    var wait = server.Value + jitter;
                    return new ValueTask<TimeSpan?>(wait > _options.MaxRetryDelay ? _options.MaxRetryDelay : wait);
                },
                OnRetry = args =>
                {
                    // The longest total wait is a budget: past it, the last error is the answer.
                    var waited = args.Context.Properties.GetValue(s_waited, TimeSpan.Zero) + args.RetryDelay;
                    if (waited > _options.MaxTotalRetryWait && args.Outcome.Exception is { } last)
                    {
                        _options.Verbose?.Invoke($"Not retrying: waiting {args.RetryDelay.TotalSeconds:0.0} s more would pass the retry wait limit of {_options.MaxTotalRetryWait.TotalSeconds:0} s.");
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(last).Throw();
                    }
                    args.Context.Properties.Set(s_waited, waited);
                    var reason = args.Outcome.Exception is { } ex ? RetryClassifier.Describe(ex) : "unknown";
                    _options.Verbose?.Invoke($"Retry {args.AttemptNumber + 1} of {_options.MaxRetries} after {reason}; waiting {args.RetryDelay.TotalSeconds:0.0} s.");
                    return default;
                },
            });
        }
        return builder.Build();
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta;
        if (header?.Date is { } date) return date - DateTimeOffset.UtcNow;
        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException != null) ex = ex.InnerException;
        return ex;
    }

    private static HttpClient SharedClient(IWebProxy? proxy, bool direct) =>
        s_clients.GetOrAdd(direct ? "direct" : proxy == null ? "system" : $"{proxy.GetProxy(GeminiClientOptions.GoogleBaseUri)}|{(proxy.Credentials as NetworkCredential)?.UserName}|{(proxy.Credentials as NetworkCredential)?.Password.GetHashCode()}", _ =>
        {
            // No automatic redirects: .NET keeps custom headers (the key) when following one; a redirect is an error instead.
            var handler = new HttpClientHandler { AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate, AllowAutoRedirect = false };
            if (proxy != null) { handler.Proxy = proxy; handler.UseProxy = true; }
            else if (direct) handler.UseProxy = false;
            // Timeouts are per attempt through cancellation; HttpClient's own 100 s default would cut 4K generations.
            return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        });
}

internal static class ThreadSafeRandom
{
    private static readonly Random s_seed = new();
    [ThreadStatic] private static Random? t_random;

    public static int Next(int min, int max)
    {
        if (t_random == null) lock (s_seed) t_random = new Random(s_seed.Next());
        return t_random.Next(min, max);
    }
}
