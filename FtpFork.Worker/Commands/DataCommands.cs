// Setting up the data connection: PASV, EPSV (and EPSV ALL), PORT, EPRT; plus REST and ABOR outside a transfer.
using System.Globalization;
using System.Net;
using AddressFamily = System.Net.Sockets.AddressFamily; // the enum only (System.Net.Primitives), not the Socket class

namespace FtpFork.Worker;

public static class DataCommands
{
    public static void Pasv(Session s, string arg)
    {
        if (!s.Config.PasvEnable || s.EpsvAll)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return;
        }
        if (s.Data.Listen(s) is not int port)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Could not listen for a passive connection.");
            return;
        }
        var shown = DataChannel.LocalAddress(s);
        if (s.Config.PasvAddress != "")
        {
            if (IPAddress.TryParse(s.Config.PasvAddress, out var a) && a.AddressFamily == AddressFamily.InterNetwork) shown = a;
            else s.Log($"pasv_address {s.Config.PasvAddress} is not an IPv4 address; showing the local address");
        }
        string h = shown.AddressFamily == AddressFamily.InterNetwork ? shown.ToString().Replace('.', ',') : "0,0,0,0";
        s.Control.Reply(ReplyCodes.PassiveMode, $"Entering Passive Mode ({h},{port >> 8},{port & 255}).");
    }

    public static void Epsv(Session s, string arg)
    {
        if (!s.Config.PasvEnable)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return;
        }
        string a = arg.Trim();
        bool v6 = DataChannel.LocalAddress(s).AddressFamily == AddressFamily.InterNetworkV6;
        if (a.Equals("ALL", StringComparison.OrdinalIgnoreCase))
        {
            s.EpsvAll = true;
            s.Control.Reply(ReplyCodes.CommandOk, "EPSV ALL ok.");
            return;
        }
        if (a.Length > 0 && !(a == "1" || (a == "2" && v6)))
        {
            s.Control.Reply(ReplyCodes.BadNetworkProtocol, "Bad network protocol.");
            return;
        }
        if (s.Data.Listen(s) is not int port)
        {
            s.Control.Reply(ReplyCodes.CantOpenDataConnection, "Could not listen for a passive connection.");
            return;
        }
        s.Control.Reply(ReplyCodes.ExtendedPassiveMode, $"Entering Extended Passive Mode (|||{port}|)");
    }

    public static void Port(Session s, string arg)
    {
        if (ActiveModeRefused(s)) return;
        var parts = arg.Trim().Split(',');
        var v = new byte[6];
        bool ok = parts.Length == 6;
        for (int i = 0; ok && i < 6; i++) ok = byte.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out v[i]);
        if (!ok)
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Illegal PORT command.");
            return;
        }
        var ep = new IPEndPoint(new IPAddress(v.AsSpan(0, 4)), (v[4] << 8) | v[5]);
        SetTarget(s, ep, "PORT", "PASV");
    }

    /// <summary>RFC 2428: EPRT &lt;d&gt;proto&lt;d&gt;address&lt;d&gt;port&lt;d&gt; (vsftpd accepts only '|' as d).</summary>
    public static void Eprt(Session s, string arg)
    {
        if (ActiveModeRefused(s)) return;
        var f = arg.Trim().Split('|');
        if (f.Length != 5 || f[0] != "" || f[4] != "")
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Bad EPRT command.");
            return;
        }
        bool v6 = DataChannel.LocalAddress(s).AddressFamily == AddressFamily.InterNetworkV6;
        if (!(f[1] == "1" || (f[1] == "2" && v6)))
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Bad EPRT protocol.");
            return;
        }
        var family = f[1] == "1" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        string host = f[2].Split('%')[0];
        if (!IPAddress.TryParse(host, out var addr) || addr.AddressFamily != family ||
            !int.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
        {
            s.Control.Reply(ReplyCodes.SyntaxError, "Bad EPRT command.");
            return;
        }
        var ep = new IPEndPoint(addr, port);
        SetTarget(s, ep, "EPRT", "EPSV");
    }

    /// <summary>PORT's and EPRT's start: refused with port_enable=NO or after EPSV ALL; else the pending data connection is dropped.</summary>
    private static bool ActiveModeRefused(Session s)
    {
        if (!s.Config.PortEnable || s.EpsvAll)
        {
            s.Control.Reply(ReplyCodes.FileNotFound, "Permission denied.");
            return true;
        }
        s.Data.Clear();
        return false;
    }

    /// <summary>PORT's and EPRT's end: the target checked (see Allowed), kept for the next transfer, then 200.</summary>
    private static void SetTarget(Session s, IPEndPoint ep, string verb, string passive)
    {
        if (!Allowed(s, ep))
        {
            s.Control.Reply(ReplyCodes.SyntaxError, $"Illegal {verb} command.");
            return;
        }
        s.Data.Target(ep);
        s.Control.Reply(ReplyCodes.CommandOk, $"{verb} command successful. Consider using {passive}.");
    }

    /// <summary>port_promiscuous=NO: only back to the control connection's peer, and never to a port below 1024 (no bounce).</summary>
    private static bool Allowed(Session s, IPEndPoint ep) =>
        s.Config.PortPromiscuous || (DataChannel.Normalize(ep.Address).Equals(DataChannel.PeerAddress(s)) && ep.Port >= 1024);

    /// <summary>REST: the offset of the next RETR/STOR (leading digits, as vsftpd reads them; negative → 0).</summary>
    public static void Rest(Session s, string arg)
    {
        string t = arg.Trim();
        int n = 0;
        while (n < t.Length && char.IsAsciiDigit(t[n])) n++;
        long val = n == 0 || !long.TryParse(t.AsSpan(0, n), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? 0 : v;
        s.RestOffset = val;
        s.Control.Reply(ReplyCodes.PendingMoreInfo, $"Restart position accepted ({val}).");
    }

    /// <summary>ABOR with no transfer running (a running transfer takes its ABOR itself, in DataPump).</summary>
    public static void Abor(Session s, string arg) => s.Control.Reply(ReplyCodes.AbortOk, "No transfer to ABOR.");
}
