using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using Xunit;

namespace GeminiImage.Tests.Api;

public class ApiEndpointTests
{
    [Theory]
    [InlineData("https://gw.example/gemini", null, "https://gw.example/gemini/v1beta/models/m:generateContent")]
    [InlineData("https://gw.example/gemini/", null, "https://gw.example/gemini/v1beta/models/m:generateContent")]
    [InlineData("https://gw.example/gemini/v1beta", null, "https://gw.example/gemini/v1beta/models/m:generateContent")]
    [InlineData("https://gw.example/gemini/v1beta/", null, "https://gw.example/gemini/v1beta/models/m:generateContent")]
    [InlineData("https://gw.example/gemini/v1alpha", null, "https://gw.example/gemini/v1alpha/models/m:generateContent")]
    [InlineData("https://gw.example/gemini/v1beta", "v1alpha", "https://gw.example/gemini/v1alpha/models/m:generateContent")]
    [InlineData("https://generativelanguage.googleapis.com/", "v1", "https://generativelanguage.googleapis.com/v1/models/m:generateContent")]
    public void Base_url_with_or_without_a_version_segment_never_doubles_it(string baseUri, string? version, string expected)
    {
        var endpoint = new ApiEndpoint(new Uri(baseUri), version);
        Assert.Equal(expected, endpoint.Resolve(endpoint.ModelPath("m", "generateContent")).ToString());
    }

    [Fact]
    public void Paths_written_with_v1beta_follow_the_chosen_version()
    {
        var endpoint = new ApiEndpoint(new Uri("https://gw.example/p/v1beta"), "v1alpha");
        Assert.Equal("https://gw.example/p/v1alpha/batches?pageSize=100", endpoint.Resolve("v1beta/batches?pageSize=100").ToString());
        Assert.Equal("https://gw.example/p/upload/v1alpha/files", endpoint.Resolve("upload/v1beta/files").ToString());
        Assert.Equal("https://gw.example/p/v1alpha/files/abc:download?alt=media", endpoint.Resolve("files/abc:download?alt=media").ToString());
    }

    [Fact]
    public void An_invalid_version_is_a_clear_error()
    {
        var ex = Assert.Throws<GeminiArgumentException>(() => new ApiEndpoint(new Uri("https://x/"), "beta"));
        Assert.Equal("GeminiImage.InvalidApiVersion", ex.ErrorId);
    }

    [Theory]
    [InlineData("global", "https://aiplatform.googleapis.com/")]
    [InlineData("us-central1", "https://us-central1-aiplatform.googleapis.com/")]
    [InlineData("eu", "https://aiplatform.eu.rep.googleapis.com/")]
    public void Vertex_hosts_follow_the_location(string location, string host) =>
        Assert.Equal(host, ApiEndpoint.VertexHost(location).ToString());

    [Fact]
    public void Vertex_paths_name_project_location_and_publisher_model()
    {
        var endpoint = new ApiEndpoint(ApiEndpoint.VertexHost("us-central1"), null, GeminiBackend.Vertex, "my-proj", "us-central1");
        Assert.Equal("https://us-central1-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-central1/publishers/google/models/gemini-3-pro-image:generateContent",
            endpoint.Resolve(endpoint.ModelPath("gemini-3-pro-image", "generateContent")).ToString());
        var express = new ApiEndpoint(ApiEndpoint.VertexHost("global"), null, GeminiBackend.Vertex);
        Assert.Equal("https://aiplatform.googleapis.com/v1/publishers/google/models/m:generateContent", express.Resolve(express.ModelPath("m", "generateContent")).ToString());
    }

    [Theory]
    [InlineData("upload/v1beta/files")]
    [InlineData("v1beta/batches/b1")]
    [InlineData("v1beta/models/m:batchGenerateContent")]
    public void Vertex_refuses_what_it_does_not_offer_before_sending(string path)
    {
        var endpoint = new ApiEndpoint(new Uri("http://127.0.0.1:1/"), null, GeminiBackend.Vertex, "p", "global");
        var ex = Assert.Throws<GeminiArgumentException>(() => endpoint.Resolve(path));
        Assert.Equal("GeminiImage.NotSupportedOnVertex", ex.ErrorId);
    }

    [Fact]
    public void Upload_urls_on_another_host_move_onto_the_configured_one()
    {
        var endpoint = new ApiEndpoint(new Uri("https://gw.example/gemini/v1beta"));
        var google = new Uri("https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=AB12&upload_protocol=resumable");
        Assert.Equal("https://gw.example/gemini/upload/v1beta/files?upload_id=AB12&upload_protocol=resumable", endpoint.KeepOnHost(google).ToString());
        var own = new Uri("https://gw.example/gemini/upload/v1beta/files?upload_id=1");
        Assert.Same(own, endpoint.KeepOnHost(own));
        Assert.True(endpoint.Owns(endpoint.KeepOnHost(google)));
        Assert.False(endpoint.Owns(google));
    }

    [Fact]
    public void Query_keys_are_redacted_in_any_text()
    {
        var text = "POST http://h/v1beta/models/m:generateContent?alt=sse&key=AIzaSECRET123 failed; see https://h/x?key=AIzaOTHER";
        var redacted = ApiEndpoint.RedactUrls(text);
        Assert.DoesNotContain("AIzaSECRET123", redacted);
        Assert.DoesNotContain("AIzaOTHER", redacted);
        Assert.Contains("alt=sse&key=REDACTED", redacted);
    }
}
