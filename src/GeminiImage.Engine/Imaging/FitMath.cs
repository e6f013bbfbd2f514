namespace GeminiImage.Engine.Imaging;

/// <summary>How an image is fitted to a target size.</summary>
public enum FitMode
{
    /// <summary>Scale (up or down) to fit inside the target keeping the aspect ratio; no padding, so the
    /// output is at most the target size with one side equal to it.</summary>
    Contain,
    /// <summary>Scale to fill the target keeping the aspect ratio, then crop the overflow evenly; output is exactly the target.</summary>
    Cover,
    /// <summary>Scale to fit inside (as <see cref="Contain"/>), then centre on a background canvas of exactly the target size.</summary>
    Pad,
    /// <summary>Scale each side to the target independently, ignoring the aspect ratio.</summary>
    Stretch,
}

/// <summary>Result of <see cref="FitMath.Compute"/>: resize the source to (ResizeWidth, ResizeHeight), then place it at
/// (OffsetX, OffsetY) on a canvas of (CanvasWidth, CanvasHeight). Offsets are positive for <see cref="FitMode.Pad"/>
/// (margins) and zero or negative for <see cref="FitMode.Cover"/> (the part cropped away on the left/top).</summary>
/// <param name="ResizeWidth">Width to resize the source to.</param>
/// <param name="ResizeHeight">Height to resize the source to.</param>
/// <param name="CanvasWidth">Width of the output image.</param>
/// <param name="CanvasHeight">Height of the output image.</param>
/// <param name="OffsetX">Left edge of the resized image on the canvas (negative: cropped).</param>
/// <param name="OffsetY">Top edge of the resized image on the canvas (negative: cropped).</param>
public readonly record struct FitResult(int ResizeWidth, int ResizeHeight, int CanvasWidth, int CanvasHeight, int OffsetX, int OffsetY)
{
    public override string ToString() =>
        $"resize {ResizeWidth}x{ResizeHeight}, canvas {CanvasWidth}x{CanvasHeight}, offset ({OffsetX},{OffsetY})";
}

/// <summary>Pure arithmetic for <see cref="FitMode"/>; no image is touched.</summary>
public static class FitMath
{
    /// <summary>Resize size, canvas size and placement for fitting a source into a target.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is zero or negative.</exception>
    public static FitResult Compute(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight, FitMode mode)
    {
        Positive(sourceWidth, nameof(sourceWidth));
        Positive(sourceHeight, nameof(sourceHeight));
        Positive(targetWidth, nameof(targetWidth));
        Positive(targetHeight, nameof(targetHeight));
        double scaleX = (double)targetWidth / sourceWidth, scaleY = (double)targetHeight / sourceHeight;

        switch (mode)
        {
            case FitMode.Stretch:
                return new FitResult(targetWidth, targetHeight, targetWidth, targetHeight, 0, 0);
            case FitMode.Cover:
            {
                var scale = Math.Max(scaleX, scaleY);
                // Never smaller than the target, so the crop always stays inside the resized image.
                var w = Math.Max(targetWidth, Scale(sourceWidth, scale));
                var h = Math.Max(targetHeight, Scale(sourceHeight, scale));
                return new FitResult(w, h, targetWidth, targetHeight, -((w - targetWidth) / 2), -((h - targetHeight) / 2));
            }
            case FitMode.Contain:
            case FitMode.Pad:
            {
                var scale = Math.Min(scaleX, scaleY);
                var w = Math.Min(targetWidth, Scale(sourceWidth, scale));
                var h = Math.Min(targetHeight, Scale(sourceHeight, scale));
                return mode == FitMode.Contain
                    ? new FitResult(w, h, w, h, 0, 0)
                    : new FitResult(w, h, targetWidth, targetHeight, (targetWidth - w) / 2, (targetHeight - h) / 2);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown fit mode.");
        }
    }

    private static int Scale(int size, double scale) => Math.Max(1, (int)Math.Round(size * scale, MidpointRounding.AwayFromZero));

    private static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, "Sizes must be positive.");
    }
}
