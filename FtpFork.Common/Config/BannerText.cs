// banner_file: the greeting's lines, read before any chroot (at most 4000 bytes, as vsftpd reads it).
using System.Text;

namespace FtpFork.Common.Config;

public static class BannerText
{
    public const int MaxBytes = 4000;

    /// <summary>The file's lines (CR dropped, a final empty line left out); throws ConfigException naming banner_file.</summary>
    public static string[] Read(string path)
    {
        byte[] data;
        try
        {
            using var f = File.OpenRead(path);
            data = new byte[Math.Min(MaxBytes, Math.Max(0, f.Length))];
            int n = 0, r;
            while (n < data.Length && (r = f.Read(data, n, data.Length - n)) > 0) n += r;
            if (n < data.Length) Array.Resize(ref data, n);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"banner_file: cannot read {path}: {e.Message}");
        }
        return Lines(data);
    }

    /// <summary>A message file's lines: UTF-8, CRs dropped, a final newline not counted as an empty line.</summary>
    public static string[] Lines(byte[] data)
    {
        string text = Encoding.UTF8.GetString(data).Replace("\r", "");
        if (text.EndsWith('\n')) text = text[..^1];
        return text.Split('\n');
    }
}
