using System.Runtime.InteropServices;

namespace GeminiImage.Engine.IO;

/// <summary>
/// Folders only the current user may enter: the data folder (ledger, budgets, prompts) and the per-user temp folder
/// (pending records, fallback images). On Linux and macOS a folder owned by another user (planted under a predictable
/// name) is refused, then the folder becomes 0700 and the files in it 0600. On Windows the folder gets a protected
/// ACL that admits only its owner (the default folders live in the per-user profile, which already does; a
/// GEMINI_IMAGE_HOME elsewhere, such as a shared drive, would otherwise inherit that drive's ACL).
/// </summary>
public static class PrivateFolder
{
    private const uint OwnerOnlyFolder = 0x1C0; // 0700
    private const uint OwnerOnlyFile = 0x180;   // 0600
    private const int NotPermitted = 1;         // EPERM on Linux and macOS

    private static readonly bool s_unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    /// <summary>Folders this process has already given the owner-only ACL (Windows): an inherited ACL covers what is created later.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> s_made = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Creates <paramref name="folder"/> if needed and makes it and its direct contents owner-only; returns its full path.
    /// </summary>
    /// <exception cref="UnsafePathException">The folder is a link, or belongs to another user.</exception>
    public static string Ensure(string folder)
    {
        var full = Path.GetFullPath(folder);
        if (SafePaths.IsLink(full))
            throw new UnsafePathException(full, $"The private folder '{full}' is a symbolic link; it is not used, since another user may have planted it.");
        var existed = Directory.Exists(full);
        Directory.CreateDirectory(full);
        if (!s_unix)
        {
            // A folder deleted and made again since gets its ACL again.
            if (!existed || !s_made.ContainsKey(full)) WindowsOwnerOnly(full);
            s_made[full] = true;
            return full;
        }
        var owner = OwnerOf(full);
        // Without a readable owner, chmod still proves it for everyone but root: only the owner may change the mode.
        if ((owner.HasValue && owner.Value != geteuid()) || (chmod(full, OwnerOnlyFolder) != 0 && Marshal.GetLastWin32Error() == NotPermitted))
            throw new UnsafePathException(full, $"The private folder '{full}' belongs to another user (uid {owner?.ToString() ?? "?"}); it is not used.");
        foreach (var entry in Directory.EnumerateFileSystemEntries(full))
        {
            if (SafePaths.IsLink(entry)) continue; // chmod would follow it
            chmod(entry, Directory.Exists(entry) ? OwnerOnlyFolder : OwnerOnlyFile);
        }
        return full;
    }

    /// <summary>Makes one file owner-only (0600) where the platform has modes; links are left alone.</summary>
    public static void RestrictFile(string path)
    {
        if (s_unix && !SafePaths.IsLink(path)) chmod(path, OwnerOnlyFile);
    }

    /// <summary>The owner's uid from lstat, or null where the layout of struct stat is not known here.</summary>
    private static uint? OwnerOf(string path)
    {
        int offset;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            offset = RuntimeInformation.OSArchitecture == Architecture.X64 ? 28 : RuntimeInformation.OSArchitecture == Architecture.Arm64 ? 24 : -1;
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) && RuntimeInformation.OSArchitecture == Architecture.Arm64)
            offset = 16;
        else
            offset = -1;
        if (offset < 0) return null;
        var buffer = new byte[256]; // larger than struct stat on every platform above
        try
        {
            return lstat(path, buffer) == 0 ? BitConverter.ToUInt32(buffer, offset) : null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException || e is DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Replaces the folder's ACL with one protected entry: full control for the owner (SDDL "OW", the OWNER RIGHTS SID),
    /// inherited by every file and folder created in it. Not inherited from the parent, so nobody else keeps access.
    /// </summary>
    private static void WindowsOwnerOnly(string folder)
    {
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorW("D:P(A;OICI;FA;;;OW)", 1, out var descriptor, IntPtr.Zero))
            throw new UnsafePathException(folder, $"The private folder '{folder}' could not be made owner-only (error {Marshal.GetLastWin32Error()}).");
        try
        {
            if (!GetSecurityDescriptorDacl(descriptor, out _, out var dacl, out _))
                throw new UnsafePathException(folder, $"The private folder '{folder}' could not be made owner-only (error {Marshal.GetLastWin32Error()}).");
            const int FileObject = 1, DaclInformation = 0x4;
            const uint ProtectedDacl = 0x80000000;
            const uint AccessDenied = 5;
            // Only the owner may change the ACL: a refusal means another user's folder. Other errors come from file
            // systems without ACLs (FAT, some shares), which have nothing to tighten.
            if (SetNamedSecurityInfoW(folder, FileObject, DaclInformation | ProtectedDacl, IntPtr.Zero, IntPtr.Zero, dacl, IntPtr.Zero) == AccessDenied)
                throw new UnsafePathException(folder, $"The private folder '{folder}' belongs to another user (its ACL cannot be changed); it is not used.");
        }
        finally { LocalFree(descriptor); }
    }

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
    private static extern bool ConvertStringSecurityDescriptorToSecurityDescriptorW(string sddl, uint revision, out IntPtr descriptor, IntPtr size);

    [DllImport("advapi32.dll", SetLastError = true)]
    private static extern bool GetSecurityDescriptorDacl(IntPtr descriptor, out bool present, out IntPtr dacl, out bool defaulted);

    [DllImport("advapi32.dll", CharSet = CharSet.Unicode)]
    private static extern uint SetNamedSecurityInfoW(string name, int type, uint info, IntPtr owner, IntPtr group, IntPtr dacl, IntPtr sacl);

    [DllImport("kernel32.dll")]
    private static extern IntPtr LocalFree(IntPtr memory);

    [DllImport("libc", EntryPoint = "lstat", SetLastError = true)]
    private static extern int lstat([MarshalAs(UnmanagedType.LPStr)] string path, byte[] buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint geteuid();

    [DllImport("libc", EntryPoint = "chmod", SetLastError = true)]
    private static extern int chmod([MarshalAs(UnmanagedType.LPStr)] string path, uint mode);
}
