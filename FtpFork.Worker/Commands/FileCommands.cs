// File commands: DELE, RNFR/RNTO, SIZE, MDTM (read and, with mdtm_write, set), with vsftpd 3.0's replies.
using System.Globalization;
using FtpFork.Common.Interop;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class FileCommands
{
    public static void Dele(Session s, string arg)
    {
        s.Activity.Begin(LogKind.Delete, s.Files.LogPath(arg));
        var p = s.Files.Resolve(arg, LastLink.NoFollow);
        if (FileAction.Run(s, p is { Exists: true, IsDirectory: false }, () => PathCalls.Unlink(p!.Real),
            "Delete operation successful.", "Delete operation failed.")) s.Activity.End(ok: true);
    }

    public static void Rnfr(Session s, string arg)
    {
        s.RenameFrom = null;
        var p = s.Files.Resolve(arg, LastLink.NoFollow);
        if (p is not { Exists: true } || p.Virtual == "/")
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "RNFR command failed.");
            return;
        }
        s.RenameFrom = p.Virtual;
        s.Control.Reply(ReplyCodes.PendingMoreInfo, "Ready for RNTO.");
    }

    public static void Rnto(Session s, string arg)
    {
        string from = s.RenameFrom!;
        s.RenameFrom = null;
        s.Activity.Begin(LogKind.Rename, from + " " + s.Files.LogPath(arg));
        var src = s.Files.Resolve(from, LastLink.NoFollow);
        var dst = s.Files.Resolve(arg, LastLink.NoFollow);
        if (s.Files.Normalize(arg) is null or "/")
        {
            s.Control.Reply(ReplyCodes.BadFileName, "Rename failed.");
            return;
        }
        if (src is not { Exists: true } || dst == null)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Rename failed.");
            return;
        }
        try
        {
            PathCalls.Rename(src.Real, dst.Real);
        }
        catch (PosixException)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Rename failed.");
            return;
        }
        s.Control.Reply(ReplyCodes.FileActionOk, "Rename successful.");
        s.Activity.End(ok: true);
    }

    public static void Size(Session s, string arg)
    {
        var p = s.Files.ResolveForRead(arg);
        if (p == null)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Could not get file size.");
            return;
        }
        s.Control.Reply(ReplyCodes.FileStatus, p.Stat!.Value.Size.ToString(CultureInfo.InvariantCulture));
    }

    public static void Mdtm(Session s, string arg)
    {
        long? setTo = null;
        string path = arg;
        if (s.Config.MdtmWrite && s.Files.ResolveExisting(arg) == null && TryParseSetArg(arg, s.Config.UseLocaltime, out long t, out string rest))
        {
            setTo = t;
            path = rest;
        }
        var p = s.Files.ResolveForRead(path);
        if (setTo != null && Permissions.Allows(s, Perm.Other))
        {
            try
            {
                if (p == null) throw PosixException.NotFound("utimes");
                PathCalls.SetTimes(p.Real, setTo.Value, setTo.Value);
            }
            catch (PosixException)
            {
                s.Control.Reply(ReplyCodes.FileNotFound, "Could not set file modification time.");
                return;
            }
            s.Control.Reply(ReplyCodes.FileStatus, "File modification time set.");
            return;
        }
        if (p == null)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Could not get file modification time.");
            return;
        }
        s.Control.Reply(ReplyCodes.FileStatus, ListFormat.NumericTime(p.Stat!.Value.MtimeSec, s.Config.UseLocaltime));
    }

    /// <summary>"YYYYMMDDHHMMSS[.fff] path" (vsftpd's MDTM write form): the time in epoch seconds and the path.</summary>
    public static bool TryParseSetArg(string arg, bool localtime, out long epoch, out string path)
    {
        epoch = 0;
        path = "";
        int sp = arg.IndexOf(' ');
        if (sp < 14) return false;
        string stamp = arg[..sp];
        if (stamp.Length > 14 && stamp[14] != '.') return false;
        if (stamp.AsSpan(0, 14).ContainsAnyExceptInRange('0', '9') || (stamp.Length > 15 && stamp.AsSpan(15).ContainsAnyExceptInRange('0', '9'))) return false;
        if (!DateTime.TryParseExact(stamp[..14], "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                localtime ? DateTimeStyles.AssumeLocal : DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
            return false;
        path = arg[(sp + 1)..];
        if (path.Length == 0) return false;
        epoch = new DateTimeOffset(when.ToUniversalTime()).ToUnixTimeSeconds();
        return true;
    }
}
