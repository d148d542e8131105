// HASH (draft-bryan-ftp-hash): a file's SHA-256, SHA-1 or MD5, chosen with OPTS HASH; the hashing counts as the data alarm's progress.
using FtpFork.Common.Interop;
using FtpFork.Worker.Hashing;

namespace FtpFork.Worker;

public static class HashCommands
{
    /// <summary>The algorithms, in FEAT order, by their IANA names; the first is the default.</summary>
    public static readonly string[] Algorithms = { "SHA-256", "SHA-1", "MD5" };

    private const int Chunk = 256 * 1024;

    /// <summary>FEAT's HASH line: every algorithm, the session's marked with '*'.</summary>
    public static string Feat(string selected)
    {
        var sb = new System.Text.StringBuilder("HASH ");
        foreach (var a in Algorithms) sb.Append(sb.Length > 5 ? ";" : "").Append(a).Append(a == selected ? "*" : "");
        return sb.ToString();
    }

    /// <summary>"HASH path": "213 SHA-256 0-size hexdigest path" (as ProFTPD's mod_digest); 550 missing, 553 not a file.</summary>
    public static void Hash(Session s, string arg)
    {
        var p = s.Files.Resolve(arg);
        if (p is not { Exists: true })
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "File not found.");
            return;
        }
        if (!p.IsFile)
        {
            s.Control.Reply(ReplyCodes.BadFileName, "Not a regular file.");
            return;
        }
        if (TransferFiles.OpenRead(p.Real, out var facts) is not int fd)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Failed to open file.");
            return;
        }
        try
        {
            if (!DownloadRules.MayDownload(s, p.Stat!.Value))
            {
                s.Control.Reply(ReplyCodes.FileNotFound, "Failed to open file.");
                return;
            }
            string? hex = Digest(s, fd, s.HashAlgorithm, out long size);
            if (hex == null)
            {
                s.Control.Reply(ReplyCodes.FileNotFound, "Failure reading local file.");
                return;
            }
            s.Control.Reply(ReplyCodes.FileStatus, $"{s.HashAlgorithm} 0-{size} {hex} {arg}");
        }
        finally
        {
            Posix.Close(fd);
        }
    }

    /// <summary>
    /// The file's digest in lower-case hex, read in chunks under the data alarm: each chunk is
    /// progress, so a big file is never cut, a read that hangs (a stuck file system) is.
    /// </summary>
    private static string? Digest(Session s, int fd, string algorithm, out long size)
    {
        size = 0;
        var h = BlockHash.Create(algorithm); // managed: the chroot hides OpenSSL (BlockHash.cs)
        var buf = new byte[Chunk];
        s.Timeouts.StartData();
        try
        {
            while (true)
            {
                long n = FdIo.Read(fd, buf);
                if (n == 0) break;
                if (n < 0) return null; // EAGAIN: not a regular file after all
                h.Append(buf.AsSpan(0, (int)n));
                size += n;
                s.Timeouts.Progress();
            }
        }
        catch (PosixException)
        {
            return null;
        }
        finally
        {
            s.Timeouts.Stop();
        }
        return Convert.ToHexStringLower(h.Finish());
    }

    /// <summary>OPTS HASH: the session's algorithm ("200 SHA-256"); OPTS HASH name chooses one (501 for any other).</summary>
    public static void Opts(Session s, string value)
    {
        if (value.Length == 0)
        {
            s.Control.Reply(ReplyCodes.CommandOk, s.HashAlgorithm);
            return;
        }
        foreach (var a in Algorithms)
        {
            if (!a.Equals(value, StringComparison.OrdinalIgnoreCase)) continue;
            s.HashAlgorithm = a;
            s.Control.Reply(ReplyCodes.CommandOk, a);
            return;
        }
        s.Control.Reply(ReplyCodes.BadArguments, $"{value}: Unsupported algorithm.");
    }
}
