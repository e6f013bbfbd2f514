namespace GeminiImage.Cmdlets.Commands;

/// <summary>Set-GeminiStyle: creates or changes a user style (a built-in name makes a user copy that overrides it).</summary>
[Cmdlet(VerbsCommon.Set, "GeminiStyle", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(GeminiStyle))]
public sealed class SetGeminiStyleCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(StyleCompleter))]
    public string Name { get; set; } = "";

    /// <summary>Required for a new style; must contain {prompt}.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    public string? Template { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Description { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(AspectRatioCompleter))]
    [AllowEmptyString]
    public string? AspectRatio { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ImageSizeCompleter))]
    [AllowEmptyString]
    public string? ImageSize { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelCompleter))]
    [AllowEmptyString]
    public string? Model { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string? SystemInstruction { get; set; }

    /// <summary>0 to 2 (checked with the rest of the style); $null clears it.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [AllowNull]
    public double? Temperature { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        try
        {
            var store = new StyleStore();
            var existing = store.Find(Name);
            var style = existing?.Clone() ?? new GeminiStyle { Name = Name };
            if (existing == null && Template == null)
                throw new GeminiStyleException(GeminiStyleException.InvalidStyleId, $"There is no style named '{Name}' yet; give -Template (with {GeminiStyle.Placeholder}) to create it.");
            var bound = MyInvocation.BoundParameters;
            if (Template != null) style.Template = Template;
            if (bound.ContainsKey(nameof(Description))) style.Description = Description;
            if (bound.ContainsKey(nameof(AspectRatio))) style.AspectRatio = AspectRatio;
            if (bound.ContainsKey(nameof(ImageSize))) style.ImageSize = ImageSize;
            if (bound.ContainsKey(nameof(Model))) style.Model = Model;
            if (bound.ContainsKey(nameof(SystemInstruction))) style.SystemInstruction = SystemInstruction;
            if (bound.ContainsKey(nameof(Temperature))) style.Temperature = Temperature;
            style.Validate();
            foreach (var warning in ModelCatalog.Default.SettingWarnings(style.Model, style.AspectRatio, style.ImageSize)) WriteWarning(warning);
            var action = existing == null ? "Create style" : existing.Source == StyleSource.BuiltIn ? "Override built-in style" : "Update style";
            if (!ShouldProcess(Name, action)) return;
            var saved = store.Set(style);
            if (PassThru) WriteObject(saved);
        }
        catch (GeminiImageException ex)
        {
            WriteError(ErrorRecords.From(ex, Name));
        }
    }
}
