namespace GeminiImage.Engine.Catalog;

/// <summary>"Today" for lifecycle decisions (UTC date); tests set it so that rules do not depend on the calendar.</summary>
public static class CatalogClock
{
    private static long s_fixedTicks;

    /// <summary>The fixed date when one is set, else today's UTC date.</summary>
    public static DateTime Today
    {
        get
        {
            var ticks = Interlocked.Read(ref s_fixedTicks);
            return ticks == 0 ? DateTime.UtcNow.Date : new DateTime(ticks, DateTimeKind.Utc);
        }
    }

    /// <summary>Fixes "today" until the returned handle is disposed.</summary>
    public static IDisposable Fix(DateTime today)
    {
        Interlocked.Exchange(ref s_fixedTicks, today.Date.Ticks);
        return new Reset();
    }

    private sealed class Reset : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref s_fixedTicks, 0);
    }
}
