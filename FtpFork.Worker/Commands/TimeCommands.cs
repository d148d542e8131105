// Setting a file's times: MFMT (draft-somers-ftp-mfxx, FileZilla, WinSCP) and SITE UTIME in the two forms lftp's mirror -R sends.
using System.Globalization;
using FtpFork.Common.Interop;

namespace FtpFork.Worker;

public static class TimeCommands
{
    /// <summary>MFMT YYYYMMDDHHMMSS[.fff] path (UTC): "213 Modify=YYYYMMDDHHMMSS; path"; mdtm_write and write rights, as MDTM's set form.</summary>
    public static void Mfmt(Session s, string arg)
    {
        if (!FileCommands.TryParseSetArg(arg, localtime: false, out long t, out string path))
        {
            s.Control.Reply(ReplyCodes.BadArguments, "MFMT needs YYYYMMDDHHMMSS and a path.");
            return;
        }
        if (!Set(s, path, t, t))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Could not set file modification time.");
            return;
        }
        s.Control.Reply(ReplyCodes.FileStatus, $"Modify={ListFormat.NumericTime(t)}; {path}");
    }

    /// <summary>
    /// SITE UTIME YYYYMMDDhhmm[ss] path, or SITE UTIME path atime mtime ctime UTC (ProFTPD's
    /// mod_site_misc forms, the ones lftp's mirror -R tries); times are UTC; ctime cannot be set.
    /// </summary>
    public static void SiteUtime(Session s, string rest)
    {
        long atime, mtime;
        string path;
        string[] words = rest.Split(' ');
        if (words.Length >= 5 && words[^1].Equals("UTC", StringComparison.OrdinalIgnoreCase)
            && Stamp(words[^4], out atime) && Stamp(words[^3], out mtime) && Stamp(words[^2], out _))
        {
            path = string.Join(' ', words[..^4]);
        }
        else if (words.Length >= 2 && Stamp(words[0], out mtime))
        {
            atime = mtime;
            path = rest[(words[0].Length + 1)..];
        }
        else
        {
            s.Control.Reply(ReplyCodes.BadArguments, "SITE UTIME needs YYYYMMDDhhmm[ss] and a path.");
            return;
        }
        if (path.Length == 0 || !Set(s, path, atime, mtime))
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "SITE UTIME command failed.");
            return;
        }
        s.Control.Reply(ReplyCodes.CommandOk, "SITE UTIME command ok.");
    }

    /// <summary>mdtm_write and the write rights MDTM's set form needs, then utimes on the resolved path.</summary>
    private static bool Set(Session s, string path, long atime, long mtime)
    {
        if (!s.Config.MdtmWrite || !Permissions.Allows(s, Perm.Other)) return false;
        var p = s.Files.ResolveExisting(path);
        if (p == null) return false;
        try
        {
            PathCalls.SetTimes(p.Real, atime, mtime);
            return true;
        }
        catch (PosixException)
        {
            return false;
        }
    }

    /// <summary>YYYYMMDDhhmm or YYYYMMDDhhmmss, UTC, as epoch seconds.</summary>
    private static bool Stamp(string word, out long epoch)
    {
        epoch = 0;
        if (word.Length is not (12 or 14) || word.AsSpan().ContainsAnyExceptInRange('0', '9')) return false;
        if (!DateTime.TryParseExact(word, word.Length == 12 ? "yyyyMMddHHmm" : "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            return false;
        epoch = new DateTimeOffset(when, TimeSpan.Zero).ToUnixTimeSeconds();
        return true;
    }
}
