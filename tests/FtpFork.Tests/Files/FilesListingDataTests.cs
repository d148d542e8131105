// End-to-end listings over the data connection (LIST, NLST, MLSD) with ftplib and lftp's mirror.
using System.Security.Cryptography;
using FtpFork.Tests.Harness;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FilesListingDataTests
{
    private static void MakeTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "pub", "deep", "deeper"));
        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.WriteAllText(Path.Combine(root, "top.txt"), "top\n");
        File.WriteAllText(Path.Combine(root, ".dotfile"), "dot\n");
        File.WriteAllText(Path.Combine(root, "pub", "a b.txt"), "with a space\n");
        File.WriteAllText(Path.Combine(root, "pub", "Ünïcødé-日本.txt"), "utf-8 name\n");
        File.WriteAllBytes(Path.Combine(root, "pub", "deep", "deeper", "bin.dat"), RandomNumberGenerator.GetBytes(100_000));
        File.WriteAllBytes(Path.Combine(root, "pub", "zero.bin"), Array.Empty<byte>());
    }

    private static string Py(ServerProcess server, string body) =>
        "import ftplib\nf=ftplib.FTP(encoding='utf-8')\nf.connect('127.0.0.1'," + server.Port + ")\nf.login()\nf.set_pasv(True)\n" + body;

    [Test]
    public void ListNlstAndMlsdWithFtplib()
    {
        using var server = ServerProcess.Start();
        MakeTree(server.Root);
        var r = RunTool.Python(Py(server, """
            lines=[]; f.retrlines('LIST /pub', lines.append); print('LIST', len(lines)); [print('L', l) for l in lines]
            print('NLST', sorted(f.nlst('/pub')))
            print('NLSTA', sorted(f.nlst('-a')))
            for name, facts in f.mlsd('/pub', facts=['type','size']): print('M', name, facts.get('type'), facts.get('size'))
            """.Replace("\n    ", "\n").Replace("            ", "")));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("LIST 4"));
        Assert.That(r.Stdout, Does.Match(@"L -rw-r--r--    1 \S+ +\S+ +13 \w{3} \d\d \d\d:\d\d a b\.txt"));
        Assert.That(r.Stdout, Does.Contain("L drwx").And.Contain(" deep\n"));
        Assert.That(r.Stdout, Does.Contain("NLST ['/pub/a b.txt', '/pub/deep', '/pub/zero.bin', '/pub/Ünïcødé-日本.txt']"));
        Assert.That(r.Stdout, Does.Contain("'.dotfile'"), "NLST -a shows dot files");
        Assert.That(r.Stdout, Does.Contain("M . cdir"));
        Assert.That(r.Stdout, Does.Contain("M a b.txt file 13").And.Contain("M deep dir").And.Contain("M zero.bin file 0"));
        Assert.That(r.Stdout, Does.Contain("M Ünïcødé-日本.txt file 11"));
    }

    [Test]
    public void ListHidesDotFilesUnlessAsked()
    {
        using var server = ServerProcess.Start();
        MakeTree(server.Root);
        var r = RunTool.Python(Py(server, "a=[];f.retrlines('LIST',a.append);b=[];f.retrlines('LIST -la',b.append)\nprint(any('.dotfile' in l for l in a), any('.dotfile' in l for l in b))"));
        Assert.That(r.Stdout.Trim(), Is.EqualTo("False True"), r.Stderr);
    }

    [Test]
    public void ListOfAnEscapingPathIsEmpty()
    {
        using var server = ServerProcess.Start();
        MakeTree(server.Root);
        File.CreateSymbolicLink(Path.Combine(server.Root, "etclink"), "/etc");
        var r = RunTool.Python(Py(server, "for p in ['etclink/','../../etc','/../..']:\n a=[]; f.retrlines('LIST '+p,a.append); print(p, len(a), any('passwd' in l for l in a))"));
        Assert.That(r.ExitCode, Is.EqualTo(0), r.Stderr);
        Assert.That(r.Stdout, Does.Contain("etclink/ 0 False").And.Contain("../../etc 0 False").And.Contain("/../.. 4 False"));
    }

    [Test]
    public void LftpMirrorMakesAnIdenticalTree()
    {
        Need.Tool("lftp", "lftp");
        using var server = ServerProcess.Start("force_dot_files=YES");
        MakeTree(server.Root);
        string target = Path.Combine(server.Dir, "mirror");
        foreach (var listCmd in new[] { "set ftp:use-mlsd off", "set ftp:use-mlsd on" })
        {
            if (Directory.Exists(target)) Directory.Delete(target, true);
            var r = RunTool.Run("lftp", new[] { "-c",
                $"set net:max-retries 1; set net:timeout 10; {listCmd}; open -u anonymous,x@ -p {server.Port} 127.0.0.1; mirror / {target}" }, 120000);
            Assert.That(r.ExitCode, Is.EqualTo(0), $"{listCmd}: {r.Stdout}\n{r.Stderr}");
            Assert.That(Snapshot(target), Is.EqualTo(Snapshot(server.Root)), listCmd);
        }
    }

    /// <summary>Every file and directory below a root: relative path and sha256 (directories as "dir").</summary>
    private static List<string> Snapshot(string root) =>
        Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Select(p => Path.GetRelativePath(root, p) + " " + (Directory.Exists(p) ? "dir" : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))))
            .Order(StringComparer.Ordinal).ToList();
}
