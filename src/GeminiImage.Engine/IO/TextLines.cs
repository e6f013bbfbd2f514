namespace GeminiImage.Engine.IO;

/// <summary>Line-by-line reading of the JSON-lines files: batch rows, batch journals, pending usage records, batch inputs.</summary>
public static class TextLines
{
    /// <summary>The lines of <paramref name="reader"/> that are not blank, with their line numbers (from 1, blank lines counted).</summary>
    public static IEnumerable<(int Number, string Text)> NonBlank(TextReader reader)
    {
        var number = 0;
        for (var line = reader.ReadLine(); line != null; line = reader.ReadLine())
        {
            number++;
            if (line.Trim().Length != 0) yield return (number, line);
        }
    }
}
