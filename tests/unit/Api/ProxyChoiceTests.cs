using GeminiImage.Engine.Api;
using Xunit;

namespace GeminiImage.Tests.Api;

public class ProxyChoiceTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void An_explicit_proxy_wins_over_the_environment()
    {
        var choice = ProxyChoice.For(new Uri("https://generativelanguage.googleapis.com/"), new Uri("http://corp:8080"), "parameter", Env(("HTTPS_PROXY", "http://env:3128")));
        Assert.Equal(new Uri("http://corp:8080"), choice.Address);
        Assert.Equal("parameter", choice.Source);
    }

    [Fact]
    public void Https_proxy_from_the_environment_unless_no_proxy_names_the_host()
    {
        var google = new Uri("https://generativelanguage.googleapis.com/");
        Assert.Equal("HTTPS_PROXY", ProxyChoice.For(google, null, "", Env(("HTTPS_PROXY", "env:3128"))).Source);
        Assert.Equal(new Uri("http://env:3128/"), ProxyChoice.For(google, null, "", Env(("https_proxy", "env:3128"))).Address);
        var bypassed = ProxyChoice.For(google, null, "", Env(("HTTPS_PROXY", "http://env:3128"), ("NO_PROXY", "localhost,.googleapis.com")));
        Assert.True(bypassed.Direct);
        Assert.Null(bypassed.Address);
        Assert.Equal("system", ProxyChoice.For(google, null, "", Env()).Source);
    }

    [Fact]
    public void Http_services_take_http_proxy_first()
    {
        var gateway = new Uri("http://gw.corp/");
        Assert.Equal("HTTP_PROXY", ProxyChoice.For(gateway, null, "", Env(("HTTP_PROXY", "http://a:1"), ("HTTPS_PROXY", "http://b:2"))).Source);
        Assert.Equal("HTTPS_PROXY", ProxyChoice.For(gateway, null, "", Env(("HTTPS_PROXY", "http://b:2"))).Source);
    }

    [Theory]
    [InlineData("https://api.example.com/", "example.com", true)]
    [InlineData("https://api.example.com/", ".example.com", true)]
    [InlineData("https://example.com/", ".example.com", true)]
    [InlineData("https://notexample.com/", "example.com", false)]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1:8080", true)]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1:9090", false)]
    [InlineData("https://anything/", "*", true)]
    [InlineData("https://x/", "", false)]
    public void No_proxy_matches_hosts_suffixes_and_ports(string target, string noProxy, bool bypassed) =>
        Assert.Equal(bypassed, ProxyChoice.Bypassed(new Uri(target), noProxy));

    [Fact]
    public void Credentials_in_a_proxy_url_become_proxy_credentials_and_are_not_shown()
    {
        var choice = ProxyChoice.For(new Uri("https://x/"), null, "", Env(("HTTPS_PROXY", "http://ann:s3cret@env:3128")));
        var proxy = (System.Net.WebProxy)choice.ToWebProxy(null)!;
        Assert.Equal("ann", ((System.Net.NetworkCredential)proxy.Credentials!).UserName);
        Assert.DoesNotContain("s3cret", proxy.Address!.ToString());
        Assert.DoesNotContain("s3cret", choice.ToString());
    }
}
