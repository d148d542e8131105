// The one declarative command table: every verb, its rules, help and handler; HELP and FEAT read it.
namespace FtpFork.Worker;

public static class CommandTable
{
    private static CommandSpec C(string name, bool login, Arg arg, Perm perm, string help, CommandHandler run,
        string? feat = null, Sequence seq = Sequence.None, params string[] aliases) =>
        new(name, aliases, login, arg, perm, help, run, feat, seq);

    public static readonly IReadOnlyList<CommandSpec> All = new[]
    {
        // Access control (pre-login)
        C("USER", false, Arg.Required, Perm.None, "<name>: who is logging in", LoginCommands.User),
        C("PASS", false, Arg.Optional, Perm.None, "<password>: completes the login", LoginCommands.Pass, seq: Sequence.AfterUser),
        C("QUIT", false, Arg.None, Perm.None, "ends the session", BasicCommands.Quit),
        C("SYST", false, Arg.None, Perm.None, "the system type", BasicCommands.Syst),
        C("NOOP", false, Arg.None, Perm.None, "does nothing", BasicCommands.Noop),
        C("FEAT", false, Arg.None, Perm.None, "lists the extensions", BasicCommands.Feat),
        C("HELP", false, Arg.Optional, Perm.None, "[<command>]: this help", BasicCommands.Help),
        C("PWD", true, Arg.None, Perm.None, "the working directory", BasicCommands.Pwd, feat: "TVFS", aliases: "XPWD"),
    };

    private static readonly Dictionary<string, CommandSpec> ByVerb = BuildIndex();

    private static Dictionary<string, CommandSpec> BuildIndex()
    {
        var d = new Dictionary<string, CommandSpec>(StringComparer.OrdinalIgnoreCase);
        foreach (var c in All)
        {
            d.Add(c.Name, c);
            foreach (var a in c.Aliases) d.Add(a, c);
        }
        return d;
    }

    public static CommandSpec? Find(string verb) => ByVerb.GetValueOrDefault(verb);

    /// <summary>Every verb and alias, sorted (for HELP).</summary>
    public static IEnumerable<string> Verbs => ByVerb.Keys.Order(StringComparer.Ordinal);

    /// <summary>The FEAT lines, sorted, each as the table gives it.</summary>
    public static IEnumerable<string> Features => All.Where(c => c.Feat != null).Select(c => c.Feat!).Distinct().Order(StringComparer.Ordinal);
}
