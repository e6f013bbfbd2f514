using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GeminiImage.Engine.Errors;
using GeminiImage.Engine.Imaging;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public class ContactSheetHtmlTests
{
    [Fact]
    public void Escape_covers_markup_quotes_and_control_characters()
    {
        Assert.Equal("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;amp;", ContactSheetHtml.Escape("<a href=\"x\" onclick='y'>&amp;"));
        Assert.Equal("ab\ncd", ContactSheetHtml.Escape("a\u0000b\ncd\u0007"));
        Assert.Equal("", ContactSheetHtml.Escape(null));
    }

    [Fact]
    public void Render_escapes_everything_from_the_images()
    {
        var items = new[]
        {
            new ContactSheetHtmlItem("<img src=x onerror=alert(1)>.png", Href: "a\"b.png",
                Provenance: new ImageProvenance { Prompt = "</div><script>alert('p')</script>", Model = "<m>", Cost = 0.039m, Tag = "<t>" }),
            new ContactSheetHtmlItem("plain.png", Width: 10, Height: 20),
        };

        var html = ContactSheetHtml.Render(items, new ContactSheetHtmlOptions { Title = "<T>", Columns = 2, TileSize = 100, Background = "red;}body{x" });

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<img src=x", html);
        Assert.DoesNotContain("<m>", html);
        Assert.Contains("&lt;/div&gt;&lt;script&gt;alert(&#39;p&#39;)&lt;/script&gt;", html);
        Assert.Contains("href=\"a&quot;b.png\"", html);
        Assert.Contains("<title>&lt;T&gt;</title>", html);
        Assert.Contains("$0.039", html);
        Assert.Contains("no GeminiImage metadata", html);
        Assert.Contains("background:white", html); // an unsafe CSS colour falls back
        Assert.Contains("repeat(2,minmax(0,100px))", html);
    }

    [Fact]
    public void Relative_urls_escape_each_segment()
    {
        var root = Path.Combine(Path.GetTempPath(), "sheet-root");
        Assert.Equal("photo%20%5B1%5D.png", ContactSheetHtml.RelativeUrl(root, Path.Combine(root, "photo [1].png")));
        Assert.Equal("sub/caf%C3%A9%20%231.png", ContactSheetHtml.RelativeUrl(root, Path.Combine(root, "sub", "café #1.png")));
        Assert.Equal("../other/a.png", ContactSheetHtml.RelativeUrl(root, Path.Combine(Path.GetTempPath(), "other", "a.png")));
    }

    [Fact]
    public void Create_reads_provenance_and_embeds_thumbnails_and_skips_bad_images_on_request()
    {
        var skipped = new List<ImageFileException>();
        var paths = new[] { TestImages.Get("good.png"), TestImages.Get("text.png"), TestImages.Get("good.jpg") };
        var page = ContactSheetHtml.Create(paths, Path.Combine(TestImages.Dir, "sheet.html"), new ContactSheetHtmlOptions { TileSize = 32 }, null, skipped.Add);

        Assert.Equal(2, page.Items.Count);
        Assert.Equal(new[] { paths[0], paths[2] }, page.Included);
        Assert.IsType<UnsupportedImageFormatException>(Assert.Single(skipped));
        Assert.All(page.Items, i => Assert.StartsWith("data:image/", i.ThumbnailDataUri));
        Assert.Equal("good.png", page.Items[0].Href);
        Assert.Throws<UnsupportedImageFormatException>(() => ContactSheetHtml.Create(new[] { TestImages.Get("text.png") }, "x.html"));
    }

    [Fact]
    public void Contact_sheet_closes_the_gap_left_by_skipped_images()
    {
        var skipped = new List<ImageFileException>();
        var paths = new[] { "good.png", "truncated.png", "good.jpg", "bomb.png", "good.webp" }.Select(TestImages.Get);

        var sheet = ContactSheet.Build(paths, 2, 40, "white", null, skipped.Add);

        Assert.Equal(2, skipped.Count);
        Assert.Equal(3, sheet.Included.Count);
        Assert.Equal((2, 2, 80, 80), (sheet.Columns, sheet.Rows, sheet.Width, sheet.Height));
        using var image = TestImages.Decode(sheet.Data);
        Assert.Equal((80, 80), (image.Width, image.Height));
        Assert.Throws<InvalidImageException>(() => ContactSheet.Build(new[] { TestImages.Get("truncated.png") }, 2, 40, "white", null, _ => { }));
    }
}
