using System.Globalization;
using System.Text.RegularExpressions;

namespace GeminiImage.Emulator;

/// <summary>Injected faults (FIFO) and the <c>[emulator:…]</c> prompt directives.</summary>
internal sealed class FaultQueue
{
    private static readonly Regex s_directive = new(@"\[emulator:([a-z0-9]+)(?:=([^\]]*))?\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private readonly List<EmulatorFault> _faults = new();

    public void Enqueue(EmulatorFault fault)
    {
        if (fault.Count < 1) throw new ArgumentOutOfRangeException(nameof(fault), "Count must be at least 1.");
        lock (_faults) _faults.Add(fault.Clone());
    }

    public void Clear()
    {
        lock (_faults) _faults.Clear();
    }

    public int Count
    {
        get { lock (_faults) return _faults.Count; }
    }

    /// <summary>Consumes one use of the first queued fault that matches the prompt.</summary>
    public EmulatorFault? Take(string prompt)
    {
        lock (_faults)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if (fault.PromptContains != null && prompt.IndexOf(fault.PromptContains, StringComparison.Ordinal) < 0) continue;
                if (--fault.Count == 0) _faults.RemoveAt(i);
                return fault.Clone();
            }
            return null;
        }
    }

    /// <summary>
    /// The fault a prompt asks for: [emulator:block|safety|textonly|500|503|429[=seconds]|daily429|slow=ms|hang|malformed|truncated|502|400|drop].
    /// </summary>
    public static EmulatorFault? FromDirective(string prompt)
    {
        var match = s_directive.Match(prompt);
        if (!match.Success) return null;
        var value = match.Groups[2].Success ? match.Groups[2].Value.Trim() : null;
        EmulatorFaultKind? kind = match.Groups[1].Value.ToLowerInvariant() switch
        {
            "block" => EmulatorFaultKind.PromptBlocked,
            "safety" => EmulatorFaultKind.ImageSafety,
            "textonly" => EmulatorFaultKind.TextOnly,
            "500" => EmulatorFaultKind.ServerError500,
            "503" => EmulatorFaultKind.Unavailable503,
            "429" => EmulatorFaultKind.RateLimited429,
            "daily429" => EmulatorFaultKind.DailyQuota429,
            "slow" => EmulatorFaultKind.Slow,
            "hang" => EmulatorFaultKind.Hang,
            "malformed" => EmulatorFaultKind.MalformedBody,
            "truncated" => EmulatorFaultKind.TruncatedBody,
            "502" => EmulatorFaultKind.HtmlError502,
            "400" => EmulatorFaultKind.BadRequest400,
            "drop" => EmulatorFaultKind.DroppedConnection,
            _ => null,
        };
        if (kind == null) return null;
        var fault = new EmulatorFault(kind.Value);
        if (value != null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (kind == EmulatorFaultKind.Slow) fault.Delay = TimeSpan.FromMilliseconds(number);
            else fault.RetryDelay = TimeSpan.FromSeconds(number);
        }
        return fault;
    }

    /// <summary>Reads a fault from the control API: {"kind":"Slow","delay":"1.5s"|1500,"retryDelay":"2s"|2,"count":1,"promptContains":"x"}.</summary>
    public static EmulatorFault Parse(JsonElement e)
    {
        var kindText = e.Str("kind") ?? throw new FormatException("A fault needs a \"kind\".");
        if (!Enum.TryParse<EmulatorFaultKind>(kindText, ignoreCase: true, out var kind) || !Enum.IsDefined(typeof(EmulatorFaultKind), kind))
            throw new FormatException($"Unknown fault kind '{kindText}'. Known: {string.Join(", ", Enum.GetNames(typeof(EmulatorFaultKind)))}.");
        var fault = new EmulatorFault(kind);
        if (e.TryProp("retryDelay", out var retry)) fault.RetryDelay = ReadSpan(retry, TimeSpan.FromSeconds);
        if (e.TryProp("delay", out var delay)) fault.Delay = ReadSpan(delay, TimeSpan.FromMilliseconds);
        if (e.TryProp("count", out var count)) fault.Count = count.GetInt32();
        fault.PromptContains = e.Str("promptContains");
        if (fault.Count < 1) throw new FormatException("\"count\" must be at least 1.");
        return fault;
    }

    /// <summary>A number in the given unit, a Duration string ("2s", "1.5s"), or a TimeSpan string ("00:00:02").</summary>
    private static TimeSpan ReadSpan(JsonElement e, Func<double, TimeSpan> unit)
    {
        if (e.ValueKind == JsonValueKind.Number) return unit(e.GetDouble());
        var text = e.GetString() ?? "";
        if (text.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(text.Substring(0, text.Length - 2), NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            return TimeSpan.FromMilliseconds(ms);
        if (text.EndsWith("s", StringComparison.Ordinal) && double.TryParse(text.Substring(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var s))
            return TimeSpan.FromSeconds(s);
        return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }
}
