using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Shop.AppHost;

/// <summary>
/// A folder of the AppHost's local files (data, the cache's settings) that only this user can reach. A folder it
/// makes is made owner-only (0700); a folder that exists already must belong to this user and be writable by no one
/// else, or the AppHost stops: whoever owns or can write a folder can swap the files in it.
/// </summary>
internal static class PrivateDirectory
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Makes <paramref name="path"/> and any missing parents owner-only, or checks it is private if it exists; answers its full path.</summary>
    public static string Ensure(string path, string setting)
    {
        var full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows())
        {
            return Directory.CreateDirectory(full).FullName;
        }

        // The folders made here are owner-only from the start, never made first and narrowed afterwards.
        var missing = new Stack<string>();
        for (var folder = full; !Directory.Exists(folder); folder = Path.GetDirectoryName(folder)!)
        {
            missing.Push(folder);
        }

        while (missing.TryPop(out var folder))
        {
            Directory.CreateDirectory(folder, OwnerOnly);
        }

        if (Problem(full) is { } problem)
        {
            throw new InvalidOperationException(
                $"The folder {full} ({setting}) {problem}, so another account could change the files the shop keeps there. " +
                $"Make it this account's and private (chown \"$(id -u)\" '{full}' && chmod 700 '{full}'), " +
                $"or point {setting} at a folder of your own.");
        }

        return full;
    }

    /// <summary>Why the folder is not private, or null when it is.</summary>
    [UnsupportedOSPlatform("windows")]
    private static string? Problem(string folder)
    {
        if (OperatingSystem.IsLinux() && OwnerOf(folder) is var owner && owner != geteuid())
        {
            return $"belongs to another account (uid {owner})";
        }

        return (File.GetUnixFileMode(folder) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0
            ? "can be written by other accounts"
            : null;
    }

    /// <summary>The owner's uid, from statx, whose record is laid out alike on every Linux architecture (unlike stat's).</summary>
    private static uint OwnerOf(string path)
    {
        const int CurrentDirectory = -100; // AT_FDCWD
        const int NoFollow = 0x100; // AT_SYMLINK_NOFOLLOW: the folder itself, not what a link points at
        const uint Uid = 0x8; // STATX_UID
        const int UidOffset = 20; // stx_uid
        var record = new byte[256];
        if (statx(CurrentDirectory, path, NoFollow, Uid, record) != 0)
        {
            throw new IOException($"Could not read the owner of {path} (errno {Marshal.GetLastPInvokeError()}).");
        }

        return BitConverter.ToUInt32(record, UidOffset);
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the AppHost for a call made once a folder.
    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    [DllImport("libc")]
    private static extern uint geteuid();
#pragma warning restore SYSLIB1054
}
