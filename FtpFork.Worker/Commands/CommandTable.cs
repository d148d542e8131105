// The one declarative command table: every verb, its rules, help and handler; HELP and FEAT read it.
using FtpFork.Common.Config;

namespace FtpFork.Worker;

public static class CommandTable
{
    private static CommandSpec C(string name, bool login, Arg arg, Perm perm, string help, CommandHandler run,
        string? feat = null, Sequence seq = Sequence.None, Func<FtpConfig, bool>? when = null, params string[] aliases) =>
        new(name, aliases, login, arg, perm, help, run, feat, seq, when);

    private static bool Tls(FtpConfig c) => c.SslEnable;

    public static readonly IReadOnlyList<CommandSpec> All = new[]
    {
        // Access control (pre-login)
        C("USER", false, Arg.Required, Perm.None, "<name>: who is logging in", LoginCommands.User),
        C("PASS", false, Arg.Optional, Perm.None, "<password>: completes the login", LoginCommands.Pass, seq: Sequence.AfterUser),
        C("QUIT", false, Arg.None, Perm.None, "ends the session", BasicCommands.Quit),

        // TLS (RFC 4217), with ssl_enable; FEAT lines as vsftpd's
        C("AUTH", false, Arg.Required, Perm.None, "TLS|SSL: starts TLS on the control connection", TlsCommands.Auth,
            feat: "AUTH TLS\nAUTH SSL", seq: Sequence.BeforeTls, when: Tls),
        C("PBSZ", false, Arg.Optional, Perm.None, "0: the protection buffer size (always 0)", TlsCommands.Pbsz,
            feat: "PBSZ", seq: Sequence.AfterTls, when: Tls),
        C("PROT", false, Arg.Required, Perm.None, "C|P: data connections in clear or private (TLS)", TlsCommands.Prot,
            feat: "PROT", seq: Sequence.AfterPbsz, when: Tls),
        C("CCC", false, Arg.None, Perm.None, "refused: the control connection stays encrypted", TlsCommands.Ccc, when: Tls),
        C("SYST", false, Arg.None, Perm.None, "the system type", BasicCommands.Syst),
        C("NOOP", false, Arg.None, Perm.None, "does nothing", BasicCommands.Noop),
        C("FEAT", false, Arg.None, Perm.None, "lists the extensions", BasicCommands.Feat),
        C("HELP", false, Arg.Optional, Perm.None, "[<command>]: this help", BasicCommands.Help),
        C("PWD", true, Arg.None, Perm.None, "the working directory", BasicCommands.Pwd, feat: "TVFS", aliases: "XPWD"),

        // Files and directories (FileSystemView resolves every path)
        C("CWD", true, Arg.Required, Perm.None, "<path>: changes the working directory", DirCommands.Cwd, aliases: "XCWD"),
        C("CDUP", true, Arg.None, Perm.None, "goes to the parent directory", DirCommands.Cdup, aliases: "XCUP"),
        C("MKD", true, Arg.Required, Perm.Mkdir, "<path>: makes a directory", DirCommands.Mkd, aliases: "XMKD"),
        C("RMD", true, Arg.Required, Perm.Other, "<path>: removes an empty directory", DirCommands.Rmd, aliases: "XRMD"),
        C("DELE", true, Arg.Required, Perm.Other, "<path>: deletes a file", FileCommands.Dele),
        C("RNFR", true, Arg.Required, Perm.Other, "<path>: renames from", FileCommands.Rnfr),
        C("RNTO", true, Arg.Required, Perm.Other, "<path>: renames to", FileCommands.Rnto, seq: Sequence.AfterRnfr),
        C("SIZE", true, Arg.Required, Perm.None, "<path>: a file's size", FileCommands.Size, feat: "SIZE"),
        C("MDTM", true, Arg.Required, Perm.None, "[<YYYYMMDDHHMMSS>] <path>: a file's time", FileCommands.Mdtm, feat: "MDTM"),
        C("MFMT", true, Arg.Required, Perm.Other, "<YYYYMMDDHHMMSS> <path>: sets a file's time (UTC; mdtm_write)", TimeCommands.Mfmt, feat: "MFMT"),
        C("HASH", true, Arg.Required, Perm.Read, "<path>: a file's hash (OPTS HASH: SHA-256, SHA-1, MD5)", HashCommands.Hash,
            feat: "HASH SHA-256;SHA-1;MD5"),
        C("TYPE", true, Arg.Required, Perm.None, "A|I|L 8: the transfer type", ParamCommands.Type),
        C("STRU", true, Arg.Required, Perm.None, "F: the file structure", ParamCommands.Stru),
        C("MODE", true, Arg.Required, Perm.None, "S: the transfer mode", ParamCommands.Mode),
        C("ALLO", true, Arg.Optional, Perm.None, "<size>: ignored", ParamCommands.Allo),
        C("ACCT", false, Arg.Optional, Perm.None, "not implemented", ParamCommands.Acct),
        C("OPTS", false, Arg.Required, Perm.None, "UTF8 ON | MLST <facts> | HASH [<algorithm>]: options", ParamCommands.Opts, feat: "UTF8"),
        C("SITE", true, Arg.Required, Perm.None, "CHMOD <mode> <path> | UMASK [<mask>] | UTIME <time> <path> | HELP", ParamCommands.Site),
        C("LIST", true, Arg.Optional, Perm.List, "[-alRrtd] [<path>]: a long listing", ListCommands.List),
        C("NLST", true, Arg.Optional, Perm.List, "[-alRrtd] [<path>]: names", ListCommands.Nlst),
        C("MLSD", true, Arg.Optional, Perm.List, "[<path>]: a machine listing", ListCommands.Mlsd),
        C("MLST", true, Arg.Optional, Perm.List, "[<path>]: one entry's facts", ListCommands.Mlst,
            feat: "MLST type*;size*;modify*;perm*;unix.mode*;unix.owner*;unix.group*;unique;"),
        C("STAT", true, Arg.Optional, Perm.None, "[<path>]: status, or a listing here", ListCommands.Stat),

        // Data connections and transfers (FtpFork.Worker/Data/)
        C("PASV", true, Arg.None, Perm.None, "passive mode: the server listens", DataCommands.Pasv, feat: "PASV"),
        C("EPSV", true, Arg.Optional, Perm.None, "[1|2|ALL]: extended passive mode", DataCommands.Epsv, feat: "EPSV"),
        C("PORT", true, Arg.Required, Perm.None, "<h1,h2,h3,h4,p1,p2>: active mode target", DataCommands.Port),
        C("EPRT", true, Arg.Required, Perm.None, "|<1|2>|<address>|<port>|: extended active mode", DataCommands.Eprt, feat: "EPRT"),
        C("REST", true, Arg.Required, Perm.None, "<offset>: where the next RETR/STOR starts", DataCommands.Rest, feat: "REST STREAM"),
        C("ABOR", true, Arg.None, Perm.None, "aborts the transfer", DataCommands.Abor),
        C("RETR", true, Arg.Required, Perm.Read, "<file>: downloads a file", TransferCommands.Retr),
        C("STOR", true, Arg.Required, Perm.Upload, "<file>: uploads a file", TransferCommands.Stor),
        C("STOU", true, Arg.Optional, Perm.Upload, "[<file>]: uploads under a unique name", TransferCommands.Stou),
        C("APPE", true, Arg.Required, Perm.Other, "<file>: appends to a file", TransferCommands.Appe),
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

    /// <summary>Every verb and alias that exists with <paramref name="c"/>, sorted (for HELP).</summary>
    public static IEnumerable<string> Verbs(FtpConfig c)
    {
        var verbs = new List<string>();
        foreach (var (verb, spec) in ByVerb)
            if (spec.AvailableWith(c)) verbs.Add(verb);
        verbs.Sort(StringComparer.Ordinal);
        return verbs;
    }

    /// <summary>The FEAT lines of the commands that exist with <paramref name="c"/>, sorted, each as the table gives it.</summary>
    public static IEnumerable<string> Features(FtpConfig c)
    {
        var seen = new HashSet<string>();
        var feats = new List<string>();
        foreach (var spec in All)
        {
            if (spec.Feat == null || !spec.AvailableWith(c)) continue;
            foreach (var f in spec.Feat.Split('\n'))
                if (seen.Add(f)) feats.Add(f);
        }
        feats.Sort(StringComparer.Ordinal);
        return feats;
    }
}
