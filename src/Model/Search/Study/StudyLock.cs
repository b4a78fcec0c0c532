using System.Runtime.InteropServices;
using System.Text;

namespace DeepTrain.Model.Search.Study;

/// <summary>
/// An exclusive OS lock on <c>STORE.lock</c> beside a study store, held while the store is open for writing, so a
/// second writer (`optimize --resume` while the first run is alive) is refused in one line naming the holder's PID.
/// The lock is <see cref="FileShare.None"/> on a <see cref="FileStream"/>, which .NET implements on Unix as
/// <c>flock(LOCK_EX | LOCK_NB)</c>: the kernel drops it when the holder exits, kill -9 included, so a stale lock file
/// never blocks a resume. The file is left in place on release (deleting it would let two writers lock two different
/// inodes); it only holds the last holder's PID.
/// </summary>
public sealed class StudyLock : IDisposable
{
    private readonly FileStream _stream;

    private StudyLock(FileStream s) { _stream = s; }

    public static string LockPathFor(string storePath) => storePath + ".lock";

    /// <summary>Takes the lock for <paramref name="storePath"/> or throws a <see cref="UserError"/> naming the holder.</summary>
    public static StudyLock Acquire(string storePath)
    {
        string lockPath = LockPathFor(storePath);
        FileStream s;
        try { s = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
        catch (IOException) when (File.Exists(lockPath))
        {
            string? holder = ReadHolder(lockPath);
            throw new UserError($"{storePath} is in use by another writer{(holder is null ? "" : $" (PID {holder})")}; " +
                                $"wait for it to finish or stop it (lock: {lockPath})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserError($"cannot lock {storePath}: {e.Message}");
        }
        s.SetLength(0);
        s.Write(Encoding.ASCII.GetBytes(Environment.ProcessId + "\n"));
        s.Flush();
        return new StudyLock(s);
    }

    /// <summary>The PID written by the holder. Read with plain open/read: a .NET FileStream would ask for a shared lock,
    /// which the holder's exclusive one refuses.</summary>
    private static string? ReadHolder(string lockPath)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return null;
        try
        {
            int fd = open(lockPath, 0 /* O_RDONLY */);
            if (fd < 0) return null;
            try
            {
                var buf = new byte[32];
                long n = read(fd, buf, buf.Length);
                if (n <= 0) return null;
                var text = Encoding.ASCII.GetString(buf, 0, (int)n).Trim();
                return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : null;
            }
            finally { close(fd); }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    [DllImport("libc", SetLastError = true)] private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);
    [DllImport("libc", SetLastError = true)] private static extern nint read(int fd, byte[] buf, nint count);
    [DllImport("libc")] private static extern int close(int fd);

    public void Dispose() => _stream.Dispose();
}
