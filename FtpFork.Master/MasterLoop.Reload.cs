// SIGHUP: the configuration read again (the file and the original -o overrides) and applied whole, or not at all; live sessions keep theirs.
using System.Net;
using System.Net.Sockets;
using FtpFork.Common.Config;
using FtpFork.Common.Interop;

namespace FtpFork.Master;

public sealed partial class MasterLoop
{
    /// <summary>
    /// Everything that can fail is done first (read and check the config and its TLS files, check
    /// the accounts, open the log files, bind new listen addresses), nothing running is changed
    /// until all of it worked; on any error the master goes on as it was and logs
    /// "SIGHUP: file:line: key: why". Then: new clients get the new config (limits, listeners,
    /// logins, pool workers, logs, admin socket), live sessions keep theirs, idle pool workers of
    /// the old config are replaced, and the log files are opened again (logrotate).
    /// </summary>
    private void Reload()
    {
        if (_stopping) return;
        LoadedConfig next;
        LoginPolicy policy;
        LogFiles logs;
        try
        {
            next = _reload();
            policy = CheckAccounts(next.Config);
            logs = ActivityLog.Open(next.Config);
        }
        catch (Exception e) when (e is ConfigException or AccountsException or LogFileException)
        {
            _log($"SIGHUP: {e.Message}; still running with the configuration as it was");
            return;
        }
        var c = next.Config;
        List<Socket> listeners;
        try
        {
            listeners = Rebind(c);
        }
        catch (SocketException e)
        {
            logs.Close();
            _log($"SIGHUP: {e.Message}; still running with the configuration as it was, listening on {string.Join(" ", _listeners.Select(Listeners.Describe))}");
            return;
        }

        var changed = ConfigTable.Keys.Where(k => !k.Get(_config).Equals(k.Get(c))).Select(k => k.Name).ToList();
        var old = _config;
        _config = c;
        _tls = next.Tls;
        _limits.SetLimits(c.MaxClients, c.MaxPerIp);
        _activity.Use(logs);
        foreach (var l in _listeners.Where(l => !listeners.Contains(l))) CloseDrained(l);
        _listeners = listeners;
        if (c.AdminSocket != old.AdminSocket || c.AdminSocketGroup != old.AdminSocketGroup)
        {
            _admin?.Remove();
            _admin = AdminServer.Open(c, _log);
        }
        int replaced = UseAccounts(policy, c, next.Tls);
        _pool.SetBaseSize(c.WorkerPoolSize);
        _pool.Reuse = c.WorkerReuse;
        string where = string.Join(" ", _listeners.Select(Listeners.Describe));
        ProcessTitle.Set($"master, listening on {where}");
        _log($"SIGHUP: reloaded {next.File ?? "the built-in defaults"} ({(changed.Count == 0 ? "no key changed" : "changed: " + string.Join(", ", changed))}); " +
            $"{(next.Tls != null ? "certificate files read again; " : "")}listening on {where}; {replaced} idle pool worker(s) replaced; " +
            "live sessions keep the configuration they started with");
    }

    /// <summary>
    /// The listeners <paramref name="c"/> asks for: those already bound to the same address are
    /// kept, new ones are bound while the old still accept. Throws ListenException (nothing kept
    /// bound that was not before). An address that overlaps one of ours on the same port
    /// (127.0.0.1 → 0.0.0.0) cannot be bound beside it: then the old one is closed first, its
    /// queued connections accepted, and bound again if the new one fails.
    /// </summary>
    private List<Socket> Rebind(FtpConfig c)
    {
        var result = new List<Socket>();
        var fresh = new List<Socket>();
        try
        {
            foreach (var ep in Listeners.Endpoints(c))
            {
                var same = _listeners.FirstOrDefault(l => l.LocalEndPoint is IPEndPoint le && le.Equals(ep));
                if (same != null) { result.Add(same); continue; }
                Socket s;
                try
                {
                    s = Listeners.BindOne(ep.Address, ep.Port);
                }
                catch (ListenException) when (_listeners.FirstOrDefault(l => Overlaps(l, ep)) is Socket mine && !result.Contains(mine))
                {
                    s = Replace(mine, ep);
                }
                fresh.Add(s);
                result.Add(s);
            }
            return result;
        }
        catch
        {
            foreach (var s in fresh) s.Dispose();
            throw;
        }
    }

    private static bool Overlaps(Socket l, IPEndPoint ep) =>
        l.LocalEndPoint is IPEndPoint le && le.Port == ep.Port && le.AddressFamily == ep.AddressFamily
        && (le.Address.Equals(IPAddress.Any) || le.Address.Equals(IPAddress.IPv6Any) || ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any));

    /// <summary>Closes <paramref name="mine"/> (after accepting what is queued) and binds <paramref name="ep"/>; on failure binds the old address again and throws.</summary>
    private Socket Replace(Socket mine, IPEndPoint ep)
    {
        var was = (IPEndPoint)mine.LocalEndPoint!;
        CloseDrained(mine);
        _listeners.Remove(mine);
        try
        {
            return Listeners.BindOne(ep.Address, ep.Port);
        }
        catch (ListenException)
        {
            _listeners.Add(Listeners.BindOne(was.Address, was.Port)); // as it was (throws if even that fails)
            throw;
        }
    }

    /// <summary>A listener that goes: the connections already queued on it are accepted and served, then it is closed (none is reset).</summary>
    private void CloseDrained(Socket l)
    {
        while (!_stopping && l.Poll(0, SelectMode.SelectRead)) Accept(l);
        l.Dispose();
    }
}
