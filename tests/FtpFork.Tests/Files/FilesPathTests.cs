// Unit tests of FileSystemView.Resolve: "..", absolute paths and symlinks never leave the root.
using FtpFork.Worker;
using NUnit.Framework;

namespace FtpFork.Tests.Files;

[TestFixture, Parallelizable(ParallelScope.All)]
public class FilesPathTests
{
    /// <summary>A temp dir with root/ (pub/a.txt, links) and outside/secret beside it.</summary>
    private sealed class Tree : IDisposable
    {
        public string Dir { get; } = Directory.CreateTempSubdirectory("ftpfork-path-").FullName;
        public string Root => Path.Combine(Dir, "root");
        public FileSystemView View { get; }

        public Tree()
        {
            Directory.CreateDirectory(Path.Combine(Root, "pub", "sub"));
            Directory.CreateDirectory(Path.Combine(Dir, "outside"));
            File.WriteAllText(Path.Combine(Root, "pub", "a.txt"), "hello");
            File.WriteAllText(Path.Combine(Dir, "outside", "secret"), "secret");
            Link("etclink", "/etc");
            Link("up", "../outside");
            Link("publink", "pub");
            Link("abslink", Path.Combine(Root, "pub"));
            Link("loop1", "loop2");
            Link("loop2", "loop1");
            Link("chain1", "chain2");
            Link("chain2", "pub/sub/../../..");
            Link("dangling", "pub/new-target.txt");
            Link("danglingout", "/nonexistent-ftpfork-target");
            Link("pub/sub/back", "../a.txt");
            Link("pub/sub/deepout", "../../../outside/secret");
            View = new FileSystemView(Root);
        }

        public void Link(string at, string target) => File.CreateSymbolicLink(Path.Combine(Root, at), target);

        public void Dispose() => Directory.Delete(Dir, recursive: true);
    }

    private static void AssertInside(Tree t, ResolvedPath? p)
    {
        if (p == null) return;
        Assert.That(p.Real == t.View.RealRoot || p.Real.StartsWith(t.View.RealRoot + "/"), Is.True, p.Real);
    }

    [TestCase("pub/a.txt", "/pub/a.txt")]
    [TestCase("/pub/./a.txt", "/pub/a.txt")]
    [TestCase("//pub///a.txt", "/pub/a.txt")]
    [TestCase("pub/sub/../a.txt", "/pub/a.txt")]
    [TestCase("../../../pub/a.txt", "/pub/a.txt")]
    [TestCase("/../..", "/")]
    [TestCase("..", "/")]
    [TestCase(".", "/")]
    [TestCase("", "/")]
    public void NormalizesAndClampsAtRoot(string arg, string virt)
    {
        using var t = new Tree();
        var p = t.View.Resolve(arg);
        Assert.That(p, Is.Not.Null);
        Assert.That(p!.Virtual, Is.EqualTo(virt));
        AssertInside(t, p);
        Assert.That(p.Exists, Is.True);
    }

    [Test]
    public void RootResolvesToTheRealRoot()
    {
        using var t = new Tree();
        Assert.That(t.View.Resolve("/../..")!.Real, Is.EqualTo(t.View.RealRoot));
        Assert.That(t.View.Resolve("/")!.IsDirectory, Is.True);
    }

    [TestCase("../../etc/passwd")]
    [TestCase("/../../etc/passwd")]
    [TestCase("../outside/secret")]
    [TestCase("etclink")]
    [TestCase("etclink/passwd")]
    [TestCase("/etclink/../etclink/passwd")]
    [TestCase("up")]
    [TestCase("up/secret")]
    [TestCase("chain1")]
    [TestCase("chain1/outside/secret")]
    [TestCase("loop1")]
    [TestCase("loop2/x")]
    [TestCase("danglingout")]
    [TestCase("pub/sub/deepout")]
    public void NeverLeavesTheRoot(string arg)
    {
        using var t = new Tree();
        var p = t.View.Resolve(arg);
        AssertInside(t, p);
        Assert.That(p is { Exists: true } && File.Exists(p.Real) && File.ReadAllText(p.Real) == "secret", Is.False);
        Assert.That(t.View.ResolveForRead(arg)?.Real ?? "", Does.Not.StartWith("/etc"));
    }

    [TestCase("etclink/passwd")]
    [TestCase("up/secret")]
    [TestCase("loop1")]
    [TestCase("chain1")]
    [TestCase("danglingout")]
    [TestCase("pub/sub/deepout")]
    public void EscapingLinksAreRefused(string arg)
    {
        using var t = new Tree();
        Assert.That(t.View.Resolve(arg), Is.Null);
        Assert.That(t.View.ResolveForRead(arg), Is.Null);
        Assert.That(t.View.ResolveForCreate(arg), Is.Null);
    }

    [Test]
    public void LinksInsideTheRootAreFollowed()
    {
        using var t = new Tree();
        string pub = Path.Combine(t.View.RealRoot, "pub");
        Assert.That(t.View.ResolveDirectory("publink")!.Real, Is.EqualTo(pub));
        Assert.That(t.View.ResolveForRead("publink/a.txt")!.Real, Is.EqualTo(Path.Combine(pub, "a.txt")));
        Assert.That(t.View.ResolveForRead("abslink/a.txt")!.Real, Is.EqualTo(Path.Combine(pub, "a.txt")), "absolute link into the root");
        Assert.That(t.View.ResolveForRead("pub/sub/back")!.Real, Is.EqualTo(Path.Combine(pub, "a.txt")));
        Assert.That(t.View.Resolve("publink/a.txt")!.Virtual, Is.EqualTo("/publink/a.txt"), "the client keeps its own path");
    }

    [Test]
    public void DotDotAfterALinkIsLexical()
    {
        using var t = new Tree();
        var p = t.View.Resolve("publink/sub/..");
        Assert.That(p!.Virtual, Is.EqualTo("/publink"));
        Assert.That(p.Real, Is.EqualTo(Path.Combine(t.View.RealRoot, "pub")));
    }

    [Test]
    public void NoFollowGivesTheLinkItself()
    {
        using var t = new Tree();
        var p = t.View.Resolve("etclink", LastLink.NoFollow);
        Assert.That(p, Is.Not.Null);
        Assert.That(p!.IsSymlink, Is.True);
        Assert.That(p.Real, Is.EqualTo(Path.Combine(t.View.RealRoot, "etclink")));
        Assert.That(t.View.Resolve("etclink/passwd", LastLink.NoFollow), Is.Null, "only the last component is not followed");
    }

    [Test]
    public void TheLastComponentMayNotExistYet()
    {
        using var t = new Tree();
        var p = t.View.ResolveForCreate("pub/new.txt");
        Assert.That(p, Is.Not.Null);
        Assert.That(p!.Exists, Is.False);
        Assert.That(p.Real, Is.EqualTo(Path.Combine(t.View.RealRoot, "pub", "new.txt")));
        var d = t.View.ResolveForCreate("dangling");
        Assert.That(d!.Real, Is.EqualTo(Path.Combine(t.View.RealRoot, "pub", "new-target.txt")), "a dangling link inside: its target");
        Assert.That(t.View.Resolve("missing/new.txt"), Is.Null, "a missing directory on the way");
        Assert.That(t.View.ResolveForCreate("/"), Is.Null);
        Assert.That(t.View.ResolveForCreate("pub"), Is.Null, "a directory is not a file to create");
        Assert.That(t.View.Resolve("pub/a.txt/x"), Is.Null, "a file used as a directory");
    }

    [Test]
    public void BadArgumentsAreRefused()
    {
        using var t = new Tree();
        Assert.That(t.View.Resolve("pub/a\0.txt"), Is.Null, "NUL");
        Assert.That(t.View.Resolve("pub/" + new string('x', 256)), Is.Null, "a name past NAME_MAX");
        Assert.That(t.View.Resolve(string.Concat(Enumerable.Repeat("pub/", 1100))), Is.Null, "a path past PATH_MAX");
        Assert.That(t.View.Resolve("pub/" + new string('x', 255)), Is.Not.Null, "NAME_MAX itself is fine");
    }

    [Test]
    public void RelativeToTheWorkingDirectory()
    {
        using var t = new Tree();
        t.View.Cwd = "/pub/sub";
        Assert.That(t.View.ResolveForRead("../a.txt")!.Virtual, Is.EqualTo("/pub/a.txt"));
        Assert.That(t.View.ResolveForRead("/pub/a.txt"), Is.Not.Null);
        Assert.That(t.View.Resolve("../../../../etc")!.Virtual, Is.EqualTo("/etc"));
        Assert.That(t.View.Resolve("../../../../etc")!.Exists, Is.False);
    }

    [Test]
    public void ARootReachedThroughASymlinkIsCanonical()
    {
        using var t = new Tree();
        string alias = Path.Combine(t.Dir, "alias");
        File.CreateSymbolicLink(alias, t.Root);
        var v = new FileSystemView(alias);
        Assert.That(v.RealRoot, Is.EqualTo(t.View.RealRoot));
        Assert.That(v.ResolveForRead("abslink/a.txt"), Is.Not.Null);
        Assert.That(v.Resolve("up/secret"), Is.Null);
    }

    [Test]
    public void Utf8NamesResolve()
    {
        using var t = new Tree();
        File.WriteAllText(Path.Combine(t.Root, "pub", "Ünïcødé-日本.txt"), "x");
        Assert.That(t.View.ResolveForRead("/pub/Ünïcødé-日本.txt"), Is.Not.Null);
    }

    [Test]
    public void AChrootedViewMapsAbsoluteLinksIntoItself()
    {
        // Chrooted, Root is "/": absolute link targets are the kernel's, inside the chroot.
        var v = new FileSystemView("/");
        Assert.That(v.RealRoot, Is.EqualTo("/"));
        Assert.That(v.Resolve("/../../etc")!.Real, Is.EqualTo("/etc"));
    }
}
