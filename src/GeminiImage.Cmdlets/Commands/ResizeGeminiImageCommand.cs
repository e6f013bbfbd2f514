using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace GeminiImage.Cmdlets.Commands;

/// <summary>Resize-GeminiImage (alias ConvertTo-GeminiPlatformImage): fits local images to platform presets or a size.</summary>
[Cmdlet(VerbsCommon.Resize, "GeminiImage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[Alias("ConvertTo-GeminiPlatformImage")]
[OutputType(typeof(ImageInfo))]
public sealed class ResizeGeminiImageCommand : ImageFilesCmdlet
{
    // Files this invocation writes (or is writing): Get-ChildItem may still be enumerating the folder they land in.
    private readonly HashSet<string> _written = new(StringComparer.OrdinalIgnoreCase);
    // Sources being resized on the thread pool, oldest first; their results are written in this order.
    private readonly Queue<Task<List<Action>>> _running = new();
    private List<Target> _targets = new();

    /// <summary>Platform presets; one output file per preset. Kept in step with PlatformPresets.All by a test.</summary>
    [Parameter(Position = 1)]
    [ValidateSet("Amazon", "Shopify", "Etsy", "eBay", "Instagram", "InstagramPortrait", "Story", "Pinterest", "Facebook", "LinkedIn", "XPost", "YouTubeThumbnail")]
    public string[]? Preset { get; set; }

    [Parameter]
    [ValidateRange(1, 20000)]
    public int Width { get; set; }

    [Parameter]
    [ValidateRange(1, 20000)]
    public int Height { get; set; }

    /// <summary>Default: each preset's suggested mode; Pad for -Width/-Height.</summary>
    // A string, not the engine enum: an enum-typed property would load the engine at import, before the module's load context is set up.
    [Parameter]
    [ValidateSet("Contain", "Cover", "Pad", "Stretch")]
    public string Mode { get; set; } = "Pad";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Background { get; set; } = "white";

    /// <summary>Default: the preset's format (JPEG; PNG when -Background is transparent); for -Width/-Height the source's
    /// format when PNG, JPEG or WebP, otherwise PNG.</summary>
    [Parameter]
    [ValidateSet("Png", "Jpeg", "Webp")]
    public string Format { get; set; } = "Png";

    /// <summary>Default: the preset's quality (85); 90 for -Width/-Height.</summary>
    [Parameter]
    [ValidateRange(1, 100)]
    public int Quality { get; set; } = 90;

    /// <summary>How many images are resized at the same time. Default: the number of processors, at most 4.</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = Math.Max(1, Math.Min(Environment.ProcessorCount, 4));

    /// <summary>Default: next to each source image.</summary>
    [Parameter]
    public string? OutputDirectory { get; set; }

    /// <summary>Default: "-&lt;preset lowercase&gt;" or "-&lt;W&gt;x&lt;H&gt;". {preset}, {width} and {height} are replaced.</summary>
    [Parameter]
    [AllowEmptyString]
    public string? Suffix { get; set; }

    [Parameter]
    public SwitchParameter StripMetadata { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private sealed record Target(PlatformPreset? Preset, int Width, int Height, FitMode Mode)
    {
        // -Width or -Height alone: the other side follows the source's aspect ratio (0 here).
        public string Label => Preset?.Name ?? (Height == 0 ? $"{Width}w" : Width == 0 ? $"{Height}h" : $"{Width}x{Height}");
        public string Size => Height == 0 ? $"{Width} pixels wide" : Width == 0 ? $"{Height} pixels high" : $"{Width}x{Height}";
    }

    /// <summary>One approved output of a source: where it goes and how it is encoded.</summary>
    private sealed record Planned(Target Target, string Output, ResizeOptions Options);

    protected override void BeginProcessing()
    {
        var bound = MyInvocation.BoundParameters;
        var hasSize = bound.ContainsKey(nameof(Width)) || bound.ContainsKey(nameof(Height));
        if (Preset is { Length: > 0 } && hasSize)
            Fail("Use either -Preset or -Width and -Height, not both.");
        if (Preset is not { Length: > 0 } && !hasSize)
            Fail("Give -Preset (e.g. -Preset Amazon), or -Width and/or -Height.");
        if (!ImageResizer.IsColor(Background))
            Fail($"-Background '{Background}' is not a colour; use a name such as 'white' or 'transparent', or hex such as '#FFFFFF' or '#FFFFFF00'.");
        if (OutputDirectory != null && string.IsNullOrWhiteSpace(OutputDirectory))
            Fail("-OutputDirectory is empty.");

        var modeGiven = bound.ContainsKey(nameof(Mode));
        _targets = Preset is { Length: > 0 }
            ? Preset.Distinct(StringComparer.OrdinalIgnoreCase).Select(PlatformPresets.Get)
                .Select(p => new Target(p, p.Width, p.Height, modeGiven ? EnumParameter.Parse<FitMode>(Mode) : p.SuggestedMode)).ToList()
            : new List<Target> { new Target(null, Width, Height, EnumParameter.Parse<FitMode>(Mode)) };

        if (Suffix != null && _targets.Count > 1 && Suffix.IndexOf("{preset}", StringComparison.OrdinalIgnoreCase) < 0)
            Fail("With several presets every file needs its own name: put {preset} in -Suffix (e.g. -Suffix '-{preset}') or leave -Suffix out.");
        if (Suffix != null && OutputDirectory == null && SuffixFor(_targets[0]).Length == 0)
            WriteWarning("An empty -Suffix without -OutputDirectory names the output like its source; the source is kept unless -Force is given.");
    }

    protected override void ProcessRecord()
    {
        foreach (var source in InputFiles())
        {
            if (_written.Contains(source))
            {
                WriteVerbose($"Skipping '{source}': this command wrote it.");
                continue;
            }
            if (!File.Exists(source))
            {
                var message = Directory.Exists(source) ? $"'{source}' is a folder, not an image file." : $"Image file '{source}' was not found.";
                WriteError(ErrorRecords.From(new ImageNotFoundException(source, message), source));
                continue;
            }
            var planned = Plan(source);
            if (planned.Count == 0) continue;
            // At most ThrottleLimit sources in memory at once; results come out in input order.
            while (_running.Count >= ThrottleLimit) WriteResults(_running.Dequeue());
            var token = StopToken;
            _running.Enqueue(Task.Run(() => ResizeAll(source, planned, token), token));
            while (_running.Count > 0 && _running.Peek().IsCompleted) WriteResults(_running.Dequeue());
        }
    }

    protected override void EndProcessing() => WriteAllResults();

    private void WriteAllResults()
    {
        while (_running.Count > 0) WriteResults(_running.Dequeue());
    }

    /// <summary>The outputs of <paramref name="source"/> that ShouldProcess approves and that may be written (pipeline thread).</summary>
    private List<Planned> Plan(string source)
    {
        var planned = new List<Planned>();
        var sourceFormat = new Lazy<ImageOutputFormat>(() => FormatOf(source));
        foreach (var target in _targets)
        {
            var format = OutputFormat(target, sourceFormat);
            var directory = OutputDirectory == null
                ? System.IO.Path.GetDirectoryName(source)!
                : GetUnresolvedProviderPathFromPSPath(OutputDirectory);
            var output = System.IO.Path.Combine(directory,
                System.IO.Path.GetFileNameWithoutExtension(source) + SuffixFor(target) + ExtensionOf(format));

            var action = $"Resize to {target.Size} ({(target.Preset != null ? target.Preset.Name + ", " : "")}{target.Mode}) as {format.ToString().ToUpperInvariant()} from '{source}'";
            if (!ShouldProcess(output, action)) continue;

            // The same name from an earlier source of this call: let that one finish first, as if one at a time.
            if (_written.Contains(output)) WriteAllResults();
            if (!Force && File.Exists(output))
            {
                WriteError(ErrorRecords.From(new OutputExistsException(output), output));
                continue;
            }
            if (string.Equals(System.IO.Path.GetFullPath(output), System.IO.Path.GetFullPath(source), StringComparison.OrdinalIgnoreCase))
                WriteWarning($"Overwriting the source '{source}' (-Force).");
            _written.Add(output);
            planned.Add(new Planned(target, output, new ResizeOptions
            {
                Width = target.Width,
                Height = target.Height,
                Mode = target.Mode,
                Format = format,
                Quality = MyInvocation.BoundParameters.ContainsKey(nameof(Quality)) || target.Preset == null ? Quality : target.Preset.Quality,
                Background = Background,
                KeepMetadata = !StripMetadata,
            }));
        }
        return planned;
    }

    private ImageOutputFormat OutputFormat(Target target, Lazy<ImageOutputFormat> sourceFormat)
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Format))) return EnumParameter.Parse<ImageOutputFormat>(Format);
        return target.Preset == null ? sourceFormat.Value : ImageResizer.FormatFor(target.Preset, Background);
    }

    /// <summary>Decodes <paramref name="source"/> once and writes every planned output (thread pool). Returns the writes
    /// for the pipeline thread: objects, verbose lines, warnings and errors, in order.</summary>
    private List<Action> ResizeAll(string source, List<Planned> planned, CancellationToken token)
    {
        var results = new List<Action>();
        ResizeSource image;
        try
        {
            image = ResizeSource.Load(source);
        }
        catch (Exception ex) when (ex is ImageFileException or IOException or UnauthorizedAccessException)
        {
            results.Add(() => WriteError(ErrorRecords.From(ex, source)));
            return results; // a bad source fails once, not once per preset
        }
        using (image)
        {
            foreach (var warning in image.Warnings) results.Add(() => WriteWarning(warning));
            foreach (var item in planned)
            {
                token.ThrowIfCancellationRequested();
                var note = ImageResizer.DescribeFlattening(image, item.Options);
                if (note != null) results.Add(() => WriteVerbose(note));
                var data = ImageResizer.Resize(image, item.Options);
                try
                {
                    OutputWriter.WriteAtomic(data, item.Output, Force);
                }
                catch (Exception ex) when (ex is GeminiImageException or IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
                {
                    results.Add(() => WriteError(ErrorRecords.From(ex, item.Output)));
                    continue;
                }
                var info = ProvenanceReader.Read(item.Output);
                var length = data.Length;
                results.Add(() =>
                {
                    WriteVerbose($"Wrote '{item.Output}' ({length:N0} bytes).");
                    var result = PSObject.AsPSObject(info);
                    result.Properties.Add(new PSNoteProperty("SourcePath", source));
                    result.Properties.Add(new PSNoteProperty("Preset", item.Target.Preset?.Name));
                    result.Properties.Add(new PSNoteProperty("Mode", item.Target.Mode));
                    WriteObject(result);
                });
            }
        }
        return results;
    }

    /// <summary>Waits for one source (Ctrl+C stops the wait) and writes its results on the pipeline thread.</summary>
    private void WriteResults(Task<List<Action>> task)
    {
        try
        {
            task.Wait(StopToken);
        }
        catch (OperationCanceledException)
        {
            throw new PipelineStoppedException();
        }
        catch (AggregateException) when (StopToken.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
        foreach (var write in task.Result) write();
    }

    private string SuffixFor(Target target)
    {
        if (Suffix == null) return "-" + target.Label.ToLowerInvariant();
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["preset"] = target.Label.ToLowerInvariant(),
            ["width"] = target.Width > 0 ? target.Width.ToString(CultureInfo.InvariantCulture) : "",
            ["height"] = target.Height > 0 ? target.Height.ToString(CultureInfo.InvariantCulture) : "",
        };
        return Regex.Replace(Suffix, @"\{(preset|width|height)\}", m => values[m.Groups[1].Value], RegexOptions.IgnoreCase);
    }

    /// <summary>The source's own format when the resizer can write it (sniffed from the content); PNG otherwise or when unreadable.</summary>
    private static ImageOutputFormat FormatOf(string source)
    {
        try
        {
            var header = new byte[16];
            int read;
            using (var stream = File.OpenRead(source)) read = stream.Read(header, 0, header.Length);
            if (read >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF) return ImageOutputFormat.Jpeg;
            if (read >= 12 && header[0] == (byte)'R' && header[1] == (byte)'I' && header[2] == (byte)'F' && header[3] == (byte)'F'
                && header[8] == (byte)'W' && header[9] == (byte)'E' && header[10] == (byte)'B' && header[11] == (byte)'P')
                return ImageOutputFormat.Webp;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        return ImageOutputFormat.Png;
    }

    private static string ExtensionOf(ImageOutputFormat format) => format switch
    {
        ImageOutputFormat.Jpeg => ".jpg",
        ImageOutputFormat.Webp => ".webp",
        _ => ".png",
    };

    private void Fail(string message) =>
        ThrowTerminatingError(ErrorRecords.From(new GeminiArgumentException("GeminiImage.InvalidArgument", message), null));
}
