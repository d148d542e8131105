// max_clients / max_per_ip bookkeeping: a slot is taken at hand-over and released when the worker is reaped.
namespace FtpFork.Master;

public sealed class ClientLimits
{
    public const string TooManyUsers = "421 There are too many connected users, please try later.\r\n";
    public const string TooManyFromIp = "421 There are too many connections from your internet address.\r\n";

    private int _maxClients;
    private int _maxPerIp;
    private readonly Dictionary<string, int> _perIp = new();
    public int Clients { get; private set; }

    public ClientLimits(int maxClients, int maxPerIp)
    {
        _maxClients = maxClients;
        _maxPerIp = maxPerIp;
    }

    /// <summary>New limits (a reload): they apply to the next client; clients over them already stay.</summary>
    public void SetLimits(int maxClients, int maxPerIp) => (_maxClients, _maxPerIp) = (maxClients, maxPerIp);

    /// <summary>Null when the client may be served, else the 421 line to send before closing.</summary>
    public string? Refusal(string ip)
    {
        if (_maxClients > 0 && Clients >= _maxClients) return TooManyUsers;
        if (_maxPerIp > 0 && _perIp.GetValueOrDefault(ip) >= _maxPerIp) return TooManyFromIp;
        return null;
    }

    public void Take(string ip)
    {
        Clients++;
        _perIp[ip] = _perIp.GetValueOrDefault(ip) + 1;
    }

    public void Release(string ip)
    {
        Clients--;
        if (_perIp.TryGetValue(ip, out int n) && n > 1) _perIp[ip] = n - 1;
        else _perIp.Remove(ip);
    }
}
