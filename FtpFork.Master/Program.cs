// Entry point of the master: command line, configuration, then the accept loop.
using System.Diagnostics.CodeAnalysis;
using CommandLine;
using FtpFork.Common.Config;

namespace FtpFork.Master;

public static class Program
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(Options))]
    public static int Main(string[] args)
    {
        var parser = new Parser(s =>
        {
            s.AllowMultiInstance = true;
            s.HelpWriter = Console.Error;
            s.AutoVersion = true;
            s.AutoHelp = true;
        });
        var result = parser.ParseArguments<Options>(args);
        if (result is NotParsed<Options> notParsed)
        {
            bool helpOrVersion = notParsed.Errors.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.VersionRequestedError);
            return helpOrVersion ? 0 : 2;
        }
        var opts = ((Parsed<Options>)result).Value;

        FtpConfig config;
        try
        {
            config = LoadConfig(opts);
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"ftpfork: {e.Message}");
            return 1;
        }
        if (opts.CheckOnly)
        {
            Console.Out.Write(ConfigTable.ToText(config));
            return 0;
        }
        return new MasterLoop(config, Log.Write).Run();
    }

    private static FtpConfig LoadConfig(Options opts)
    {
        void Warn(string w) => Console.Error.WriteLine($"ftpfork: {w}");
        var config = opts.Config != null ? ConfigParser.LoadFile(opts.Config, Warn) : FtpConfig.Defaults;
        int i = 0;
        foreach (var o in opts.Overrides)
            config = ConfigParser.ApplySetting(config, o, $"-o #{++i}", Warn);
        ConfigValidator.Validate(config);
        return config;
    }
}
