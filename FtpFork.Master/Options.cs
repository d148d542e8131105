// The master's command line, parsed by CommandLineParser.
using CommandLine;

namespace FtpFork.Master;

public sealed class Options
{
    [Option('c', "config", HelpText = "Path of the ftpd.conf file (vsftpd.conf syntax). Without it, built-in defaults.")]
    public string? Config { get; set; }

    [Option('o', "option", HelpText = "key=value overriding the config file (repeatable), like vsftpd's -o.")]
    public IEnumerable<string> Overrides { get; set; } = Array.Empty<string>();

    [Option("check", HelpText = "Only read and check the configuration, print it, and exit.")]
    public bool CheckOnly { get; set; }
}
