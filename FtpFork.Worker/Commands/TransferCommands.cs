// The file transfer commands: RETR (sendfile or ASCII), STOR, APPE and STOU (streamed to disk), with REST.
using FtpFork.Common.Interop;
using FtpFork.Common.Text;
using FtpFork.Common.Ipc;

namespace FtpFork.Worker;

public static class TransferCommands
{
    private enum Upload { Store, Append, Unique }

    public static void Retr(Session s, string arg)
    {
        long offset = s.RestOffset;
        s.RestOffset = 0;
        if (!DataTransfer.ChecksOk(s)) return;
        if (s.Type == TransferType.Ascii && offset != 0)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "No support for resume of ASCII transfer.");
            return;
        }
        s.Activity.Begin(LogKind.Download, s.Files.LogPath(arg), s.Type == TransferType.Ascii);
        var path = s.Files.Resolve(arg);
        FileFacts facts = default;
        int? opened = path == null ? null : TransferFiles.OpenRead(path.Real, out facts);
        if (opened is not int fd)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Failed to open file.");
            return;
        }
        try
        {
            if (s.IsAnonymous && s.Config.AnonWorldReadableOnly && !facts.OtherReadable)
            {
                s.Control.Reply(ReplyCodes.FileNotFound, "Failed to open file.");
                return;
            }
            if (s.Config.LockUploadFiles) Lock(s, fd, exclusive: false);
            bool ascii = s.Type == TransferType.Ascii && s.Config.AsciiDownloadEnable;
            string mark = $"Opening {(ascii ? "ASCII" : "BINARY")} mode data connection for {arg} ({facts.Size} bytes).";
            if (DataTransfer.Begin(s, mark) is not DataConn conn) return;
            var pump = new DataPump(s, conn, DataTransfer.MaxRate(s), Math.Max(0, facts.Size - offset));
            long started = Environment.TickCount64;
            PumpResult r;
            if (!ascii && s.Config.UseSendfile && conn.Tls == null) // sendfile cannot encrypt
            {
                r = pump.SendFile(fd, offset);
            }
            else
            {
                if (offset > 0) TransferFiles.Seek(fd, offset);
                r = pump.SendFileBuffered(fd, ascii);
            }
            DataTransfer.End(s, conn, r, "Transfer complete.", DataTransfer.WriteFailed, "Failure reading local file.");
            LogTransfer(s, "RETR", path!.Virtual, pump, r, started);
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    public static void Stor(Session s, string arg) => UploadCommon(s, arg, Upload.Store);

    public static void Appe(Session s, string arg) => UploadCommon(s, arg, Upload.Append);

    public static void Stou(Session s, string arg) => UploadCommon(s, arg, Upload.Unique);

    /// <summary>handle_upload_common: create (exclusive for STOU and for anonymous without anon_other_write_enable), seek, stream.</summary>
    private static void UploadCommon(Session s, string arg, Upload kind)
    {
        long offset = s.RestOffset;
        s.RestOffset = 0;
        if (!DataTransfer.ChecksOk(s)) return;
        var path = kind == Upload.Unique ? UniqueName(s, arg) : s.Files.Resolve(arg);
        s.Activity.Begin(LogKind.Upload, kind == Upload.Unique && path != null ? path.Virtual : s.Files.LogPath(arg), s.Type == TransferType.Ascii);
        if (path == null)
        {
            s.Control.Reply(ReplyCodes.BadFileName, "Could not create file.");
            return;
        }
        var how = kind == Upload.Unique || (s.IsAnonymous && !s.Config.AnonOtherWriteEnable) ? CreateHow.Exclusive
            : kind == Upload.Append || offset != 0 ? CreateHow.Keep : CreateHow.Truncate;
        int? opened = TransferFiles.OpenWrite(path.Real, how, s.Config.FileOpenMode, out bool created, out var err,
            s.Config.LockUploadFiles ? f => Lock(s, f, exclusive: true) : null);
        if (opened is not int fd)
        {
            s.Log($"{s.ClientIp}: cannot create {LogText.Escape(path.Virtual)}: {err}");
            s.Control.Reply(ReplyCodes.BadFileName, "Could not create file.");
            return;
        }
        bool success = false;
        try
        {
            if (kind == Upload.Append) TransferFiles.Seek(fd, -1);
            else if (offset != 0) TransferFiles.Seek(fd, offset);
            string mark = kind == Upload.Unique ? $"FILE: {Path.GetFileName(path.Virtual)}" : "Ok to send data.";
            if (DataTransfer.Begin(s, mark, upload: true) is not DataConn conn) return;
            bool ascii = s.Type == TransferType.Ascii && s.Config.AsciiUploadEnable;
            var pump = new DataPump(s, conn, DataTransfer.MaxRate(s));
            long started = Environment.TickCount64;
            var r = pump.ReceiveToFile(fd, ascii, s.Config.UseSendfile);
            success = r == PumpResult.Ok;
            DataTransfer.End(s, conn, r, "Transfer complete.", DataTransfer.ReadFailed, "Failure writing to local file.", upload: true);
            LogTransfer(s, kind switch { Upload.Append => "APPE", Upload.Unique => "STOU", _ => "STOR" }, path.Virtual, pump, r, started);
        }
        finally
        {
            Posix.Close(fd);
            if (!success && created && s.Config.DeleteFailedUploads)
            {
                try
                {
                    PathCalls.Unlink(path.Real);
                }
                catch (PosixException) { /* best effort, as vsftpd: the upload already failed */ }
            }
        }
    }

    /// <summary>wu-ftpd's STOU naming, as vsftpd: the name itself when free, else name.1, name.2, ...</summary>
    private static ResolvedPath? UniqueName(Session s, string arg)
    {
        string baseName = arg.Length == 0 ? "STOU" : arg;
        var first = s.Files.Resolve(baseName);
        if (first == null) return null;
        if (arg.Length != 0 && !PathCalls.Exists(first.Real)) return first;
        for (int i = 1; i < 100_000; i++)
        {
            var p = s.Files.Resolve($"{baseName}.{i}");
            if (p == null) return null;
            if (!PathCalls.Exists(p.Real)) return p;
        }
        return null;
    }

    /// <summary>
    /// lock_upload_files (as vsftpd): an upload holds an exclusive lock, a download a shared one, so
    /// no download reads a file an upload is writing. The wait runs under the data alarm.
    /// </summary>
    private static void Lock(Session s, int fd, bool exclusive)
    {
        s.Timeouts.StartData();
        try
        {
            TransferFiles.LockWhole(fd, exclusive);
        }
        catch (PosixException e)
        {
            s.Log($"{s.ClientIp}: lock_upload_files: {e.Message}"); // e.g. a file system without locks: go on unlocked
        }
        finally
        {
            s.Timeouts.Stop();
        }
    }

    private static void LogTransfer(Session s, string verb, string file, DataPump pump, PumpResult r, long started)
    {
        long ms = Environment.TickCount64 - started;
        s.Activity.End(r == PumpResult.Ok, pump.Bytes);
        if (s.Config.LogFtpProtocol)
            s.Log($"{s.ClientIp}: {verb} {LogText.Escape(file)}: {r}, {pump.Bytes} bytes in {ms} ms, {pump.ManagedBytes} bytes through managed memory");
    }
}
