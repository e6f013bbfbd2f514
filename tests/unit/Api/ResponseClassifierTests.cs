using System.Text.Json;
using GeminiImage.Engine.Api;
using GeminiImage.Engine.Errors;
using Xunit;

namespace GeminiImage.Tests.Api;

public class ResponseClassifierTests
{
    private static GenerateResult Classify(string file) =>
        ResponseClassifier.Classify(JsonSerializer.Deserialize<GenerateContentResponse>(TestData.Response(file), GeminiJson.Options)!);

    [Fact]
    public void Success_keeps_image_text_and_usage_split()
    {
        var result = Classify("success-text-image.json");
        Assert.Single(result.Images);
        Assert.Equal("image/png", result.Images[0].MimeType);
        Assert.Equal(0x89, result.Images[0].Data[0]);
        Assert.Equal("Here is a ginger cat asleep on a knitted blanket.", result.Text);
        Assert.Equal(1290, result.Usage.ImageOutputTokens);
        Assert.Equal(12, result.Usage.TextOutputTokens);
        Assert.Equal(10, result.Usage.InputTokens);
        Assert.Equal("Xb3kZfAKE1-EXAMPLE", result.ResponseId);
        result.ThrowIfNoImage();
    }

    [Fact]
    public void Thought_parts_are_skipped_and_every_final_image_is_kept()
    {
        var result = Classify("pro-thoughts-two-images.json");
        Assert.Equal(2, result.Images.Count);
        Assert.Equal("Two panels.", result.Text);
        Assert.Equal(300, result.Usage.ThinkingTokens);
        Assert.Equal(10, result.Usage.TextOutputTokens);
        // The model turn is kept whole, thought parts and signatures included, for chat history.
        Assert.Equal(5, result.ModelContent!.Parts!.Count);
        Assert.Equal("EuQPCuEPSIG3", result.ModelContent.Parts[4].ThoughtSignature);
    }

    [Theory]
    [InlineData("prompt-blocked.json", "GeminiImage.PromptBlocked", ErrorKind.Blocked)]
    [InlineData("image-blocked.json", "GeminiImage.ContentBlocked", ErrorKind.Blocked)]
    [InlineData("text-only.json", "GeminiImage.NoImage", ErrorKind.InvalidData)]
    [InlineData("unknown-finish-reason.json", "GeminiImage.ContentBlocked", ErrorKind.Blocked)]
    public void No_image_answers_raise_their_error_id(string file, string errorId, ErrorKind kind)
    {
        var result = Classify(file);
        Assert.False(result.HasImage);
        var error = Assert.Throws<GeminiNoImageException>(result.ThrowIfNoImage);
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(kind, error.Kind);
    }

    [Fact]
    public void Text_only_error_carries_the_model_text()
    {
        var error = Assert.Throws<GeminiNoImageException>(Classify("text-only.json").ThrowIfNoImage);
        Assert.Contains("A fox is a small wild canid", error.Message);
        Assert.Equal("Sure! A fox is a small wild canid.", error.ModelText);
    }

    [Fact]
    public void Unknown_finish_reason_is_kept_verbatim()
    {
        var result = Classify("unknown-finish-reason.json");
        Assert.Equal("IMAGE_SOMETHING_NEW_2027", result.FinishReason);
    }

    [Fact]
    public void Missing_counters_are_zero()
    {
        var usage = Classify("prompt-blocked.json").Usage;
        Assert.Equal(14, usage.InputTokens);
        Assert.Equal(0, usage.ImageOutputTokens);
        Assert.Equal(0, usage.TextOutputTokens);
    }
}
