// Entry point of the master: command line, configuration, then the accept loop.
using System.Diagnostics.CodeAnalysis;
using CommandLine;
using CommandLine.Text;
using FtpFork.Common.Config;
using FtpFork.Common.Ipc;

namespace FtpFork.Master;

public static class Program
{
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(Options))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.All, typeof(WhoOptions))]
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "who") return Who(args[1..]);
        var parser = new Parser(s =>
        {
            s.AllowMultiInstance = true;
            s.HelpWriter = null; // written below: --help/--version on stdout, errors on stderr
            s.AutoVersion = true;
            s.AutoHelp = true;
        });
        var result = parser.ParseArguments<Options>(args);
        if (result is NotParsed<Options> notParsed)
        {
            bool helpOrVersion = notParsed.Errors.All(e => e.Tag is ErrorType.HelpRequestedError or ErrorType.VersionRequestedError);
            (helpOrVersion ? Console.Out : Console.Error).Write(HelpText.AutoBuild(result, 80));
            return helpOrVersion ? 0 : 2;
        }
        if (MissingValue(args) is string option)
        {
            // CommandLineParser takes "--config" with no value as "no config": it would serve the defaults.
            Console.Error.WriteLine($"ftpfork: option '{option}' needs a value");
            Console.Error.Write(HelpText.AutoBuild(result, h => h, e => e, maxDisplayWidth: 80));
            return 2;
        }
        if (ConfigCount(args) > 1)
        {
            // CommandLineParser (AllowMultiInstance, for -o) would keep the last one silently.
            Console.Error.WriteLine("ftpfork: --config given more than once: give one file (-o key=value overrides it)");
            return 2;
        }
        var opts = ((Parsed<Options>)result).Value;

        LoadedConfig loaded;
        try
        {
            loaded = Load(opts, w => Console.Error.WriteLine($"ftpfork: {w}"));
        }
        catch (ConfigException e)
        {
            Console.Error.WriteLine($"ftpfork: {e.Message}");
            return 1;
        }
        if (opts.CheckOnly)
        {
            Console.Out.Write(ConfigTable.ToText(loaded.Config));
            return 0;
        }
        // SIGHUP reads the same file with the same -o overrides again.
        return new MasterLoop(loaded, Log.Write, () => Load(opts, w => Log.Write($"SIGHUP: {w}"))).Run();
    }

    /// <summary>The config file, then the -o overrides, checked; and the TLS material it names, read and checked. Throws ConfigException.</summary>
    private static LoadedConfig Load(Options opts, Action<string> warn)
    {
        var origins = new Dictionary<string, string>();
        var config = LoadConfig(opts, origins, warn);
        // The master (root) reads the certificate files and checks them with OpenSSL; workers get the bytes.
        return new LoadedConfig(config, config.SslEnable ? TlsSetup.Load(config, origins) : null, opts.Config);
    }

    /// <summary>`ftpfork who ...`: its own options (WhoOptions), then WhoCommand.</summary>
    private static int Who(string[] args)
    {
        var parser = new Parser(s =>
        {
            s.AllowMultiInstance = true;
            s.HelpWriter = null;
            s.AutoHelp = true;
            s.AutoVersion = false;
        });
        var result = parser.ParseArguments<WhoOptions>(args);
        if (result is NotParsed<WhoOptions> notParsed)
        {
            bool help = notParsed.Errors.All(e => e.Tag is ErrorType.HelpRequestedError);
            (help ? Console.Out : Console.Error).Write(HelpText.AutoBuild(result, 80));
            return help ? 0 : 2;
        }
        return WhoCommand.Run(((Parsed<WhoOptions>)result).Value);
    }

    /// <summary>The value option (-c/--config, -o/--option) given last or followed by another option, if any.</summary>
    private static string? MissingValue(string[] args)
    {
        for (int i = 0; i < args.Length; i++)
            if (args[i] is "-c" or "--config" or "-o" or "--option" && (i + 1 == args.Length || args[i + 1].StartsWith('-')))
                return args[i];
        return null;
    }

    /// <summary>How many -c/--config options the command line has (a value that follows one is skipped).</summary>
    private static int ConfigCount(string[] args)
    {
        int n = 0;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is "-c" or "--config") { n++; i++; }
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal) || (args[i].StartsWith("-c", StringComparison.Ordinal) && !args[i].StartsWith("--"))) n++;
            else if (args[i] is "-o" or "--option") i++;
        }
        return n;
    }

    private static FtpConfig LoadConfig(Options opts, Dictionary<string, string> origins, Action<string> Warn)
    {
        var config = opts.Config != null ? ConfigParser.LoadFile(opts.Config, Warn, origins) : FtpConfig.Defaults;
        int i = 0;
        foreach (var o in opts.Overrides)
            config = ConfigParser.ApplySetting(config, o, $"-o #{++i}", Warn, origins);
        ConfigValidator.Validate(config, origins);
        if (config.PasvAddrResolve && config.PasvAddress != "")
            config = config with { PasvAddress = PasvName.Resolve(config.PasvAddress, origins.GetValueOrDefault("pasv_address")) };
        if (config.BannerFile != "")
        {
            try
            {
                BannerText.Read(config.BannerFile); // each worker reads it again: an edit shows to new clients
            }
            catch (ConfigException e) when (origins.TryGetValue("banner_file", out var at))
            {
                throw new ConfigException($"{at}: {e.Message}");
            }
        }
        return config;
    }
}
