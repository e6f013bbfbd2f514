using GeminiImage.Engine.Generation;
using Xunit;

namespace GeminiImage.Tests.Generation;

/// <summary>Windows device names, which no file may be called on any system a batch folder is copied to.</summary>
public sealed class FileNamesTests
{
    public static TheoryData<string> DeviceNames()
    {
        var names = new TheoryData<string> { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "CLOCK$" };
        for (var n = 0; n <= 9; n++) { names.Add($"COM{n}"); names.Add($"LPT{n}"); }
        foreach (var digit in new[] { "¹", "²", "³" }) { names.Add("COM" + digit); names.Add("LPT" + digit); }
        return names;
    }

    [Theory]
    [MemberData(nameof(DeviceNames))]
    public void Every_device_name_is_reserved_in_any_case_and_with_an_extension(string name)
    {
        foreach (var written in new[] { name, name.ToLowerInvariant(), name + ".png", name.ToLowerInvariant() + " .tar.gz" })
        {
            Assert.True(FileNames.IsReserved(written), written);
            Assert.Equal($"'{written}' is a reserved device name on Windows", FileNames.Problem(written));
        }
        // An id that is a device name gets its first letter escaped, so its image can be saved.
        Assert.Equal("%" + ((int)name[0]).ToString("X2") + name.Substring(1), FileNames.FromId(name));
    }

    [Theory]
    [InlineData("COM10")]
    [InlineData("LPT")]
    [InlineData("CONSOLE")]
    [InlineData("COM⁴")]
    [InlineData("xCON")]
    [InlineData("PRN1")]
    [InlineData("COMX")]
    [InlineData("")]
    public void Names_that_only_look_like_devices_are_not(string name)
    {
        Assert.False(FileNames.IsReserved(name));
        Assert.False(FileNames.IsReserved(name + ".png"));
    }
}
