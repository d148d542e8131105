// Every key of the config table is set by some test ("key=" in a test file), or listed here with the reason it is not: a new key cannot land untested.
using System.Text.RegularExpressions;
using FtpFork.Common.Config;
using FtpFork.Tests.Accounts;
using NUnit.Framework;

namespace FtpFork.Tests.Keys;

[TestFixture, Parallelizable(ParallelScope.All)]
public class ConfigCoverageTests
{
    /// <summary>Keys no test sets yet, each with why. Add a line only with a reason; remove it with the test.</summary>
    private static readonly Dictionary<string, string> Untested = new()
    {
    };

    /// <summary>The text of every test file but this one (which names each key in its list).</summary>
    private static string TestSources()
    {
        string dir = Path.Combine(AccountsSetup.RepoRoot(), "tests", "FtpFork.Tests");
        char sep = Path.DirectorySeparatorChar;
        var files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{sep}obj{sep}") && !f.Contains($"{sep}bin{sep}") && Path.GetFileName(f) != "ConfigCoverageTests.cs")
            .ToList();
        Assert.That(files, Has.Count.GreaterThan(10), dir);
        return string.Join("\n", files.Select(File.ReadAllText));
    }

    /// <summary>"key=" with nothing of a longer key name before it: a setting a test passes to a server or the parser.</summary>
    private static bool Set(string sources, string key) => Regex.IsMatch(sources, $"(?<![a-z0-9_]){Regex.Escape(key)}=");

    [Test]
    public void EveryKeyIsSetBySomeTest()
    {
        string sources = TestSources();
        var missing = ConfigTable.Keys.Select(k => k.Name).Where(k => !Untested.ContainsKey(k) && !Set(sources, k)).ToList();
        Assert.That(missing, Is.Empty, "keys no test sets (write a test that sets each, or list it in Untested with the reason)");
    }

    [Test]
    public void TheListOfUntestedKeysHoldsNoStaleEntry()
    {
        string sources = TestSources();
        var names = ConfigTable.Keys.Select(k => k.Name).ToHashSet();
        Assert.That(Untested.Keys.Where(k => !names.Contains(k)), Is.Empty, "not keys of the table");
        Assert.That(Untested.Keys.Where(k => Set(sources, k)), Is.Empty, "set by a test now: take them off the list");
        Assert.That(Untested.Values.Where(string.IsNullOrWhiteSpace), Is.Empty, "each entry says why");
    }
}
