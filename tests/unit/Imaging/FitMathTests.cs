using GeminiImage.Engine.Imaging;
using Xunit;

namespace GeminiImage.Tests.Imaging;

public class FitMathTests
{
    [Theory]
    // source, target, mode → resize size, canvas size, offset
    [InlineData(4000, 3000, 1500, 1500, FitMode.Contain, 1500, 1125, 1500, 1125, 0, 0)]
    [InlineData(3000, 4000, 1500, 1500, FitMode.Contain, 1125, 1500, 1125, 1500, 0, 0)]
    [InlineData(100, 50, 1000, 1000, FitMode.Contain, 1000, 500, 1000, 500, 0, 0)] // enlarges too
    [InlineData(4000, 3000, 1500, 1500, FitMode.Pad, 1500, 1125, 1500, 1500, 0, 187)]
    [InlineData(3000, 4000, 1500, 1500, FitMode.Pad, 1125, 1500, 1500, 1500, 187, 0)]
    [InlineData(2000, 2000, 1500, 1500, FitMode.Pad, 1500, 1500, 1500, 1500, 0, 0)]
    [InlineData(1000, 1000, 1200, 630, FitMode.Pad, 630, 630, 1200, 630, 285, 0)]
    [InlineData(4000, 3000, 1080, 1080, FitMode.Cover, 1440, 1080, 1080, 1080, -180, 0)]
    [InlineData(1000, 2000, 1080, 1920, FitMode.Cover, 1080, 2160, 1080, 1920, 0, -120)]
    [InlineData(3, 1, 2, 2, FitMode.Cover, 6, 2, 2, 2, -2, 0)]
    [InlineData(1024, 1024, 1080, 1350, FitMode.Cover, 1350, 1350, 1080, 1350, -135, 0)]
    [InlineData(4000, 3000, 1200, 630, FitMode.Stretch, 1200, 630, 1200, 630, 0, 0)]
    [InlineData(10000, 1, 100, 100, FitMode.Contain, 100, 1, 100, 1, 0, 0)] // never rounds a side to 0
    public void Computes_every_mode(int sw, int sh, int tw, int th, FitMode mode, int rw, int rh, int cw, int ch, int ox, int oy)
    {
        var fit = FitMath.Compute(sw, sh, tw, th, mode);

        Assert.Equal(new FitResult(rw, rh, cw, ch, ox, oy), fit);
    }

    [Theory]
    [InlineData(FitMode.Contain)]
    [InlineData(FitMode.Cover)]
    [InlineData(FitMode.Pad)]
    [InlineData(FitMode.Stretch)]
    public void Output_respects_the_mode_contract_for_many_shapes(FitMode mode)
    {
        foreach (var (sw, sh) in new[] { (1, 1), (7, 3), (3, 7), (1920, 1080), (1080, 1920), (4999, 5001), (1, 10000) })
        foreach (var (tw, th) in new[] { (1, 1), (100, 100), (1080, 1350), (2700, 2025), (1200, 630) })
        {
            var fit = FitMath.Compute(sw, sh, tw, th, mode);
            Assert.True(fit.ResizeWidth >= 1 && fit.ResizeHeight >= 1);
            switch (mode)
            {
                case FitMode.Contain:
                    Assert.True(fit.CanvasWidth <= tw && fit.CanvasHeight <= th);
                    Assert.True(fit.CanvasWidth == tw || fit.CanvasHeight == th);
                    break;
                case FitMode.Pad:
                    Assert.Equal((tw, th), (fit.CanvasWidth, fit.CanvasHeight));
                    Assert.True(fit.OffsetX >= 0 && fit.OffsetY >= 0);
                    Assert.True(fit.OffsetX + fit.ResizeWidth <= tw && fit.OffsetY + fit.ResizeHeight <= th);
                    break;
                case FitMode.Cover:
                    Assert.Equal((tw, th), (fit.CanvasWidth, fit.CanvasHeight));
                    Assert.True(fit.OffsetX <= 0 && fit.OffsetY <= 0);
                    Assert.True(fit.ResizeWidth + fit.OffsetX >= tw && fit.ResizeHeight + fit.OffsetY >= th);
                    break;
                default:
                    Assert.Equal((tw, th, tw, th), (fit.ResizeWidth, fit.ResizeHeight, fit.CanvasWidth, fit.CanvasHeight));
                    break;
            }
        }
    }

    [Theory]
    [InlineData(0, 10, 10, 10)]
    [InlineData(10, -1, 10, 10)]
    [InlineData(10, 10, 0, 10)]
    [InlineData(10, 10, 10, 0)]
    public void Non_positive_sizes_are_rejected(int sw, int sh, int tw, int th)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FitMath.Compute(sw, sh, tw, th, FitMode.Pad));
    }
}
