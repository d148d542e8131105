// FTP reply codes as named constants (RFC 959 and successors; vsftpd's ftpcodes.h names).
namespace FtpFork.Worker;

public static class ReplyCodes
{
    public const int DataConnAlreadyOpen = 125;
    public const int FileStatusOk = 150;
    public const int CommandOk = 200;
    public const int CommandNotImplementedSuperfluous = 202;
    public const int SystemStatus = 211;
    public const int DirectoryStatus = 212;
    public const int FileStatus = 213;
    public const int HelpMessage = 214;
    public const int SystemType = 215;
    public const int ServiceReady = 220;
    public const int Goodbye = 221;
    public const int AbortOk = 225;
    public const int TransferComplete = 226;
    public const int PassiveMode = 227;
    public const int ExtendedPassiveMode = 229;
    public const int LoginOk = 230;
    public const int AuthOk = 234;
    public const int FileActionOk = 250;
    public const int PathCreated = 257;
    public const int NeedPassword = 331;
    public const int NeedAccount = 332;
    public const int PendingMoreInfo = 350;
    public const int ServiceNotAvailable = 421;
    public const int CantOpenDataConnection = 425;
    public const int TransferAborted = 426;
    public const int FileUnavailable = 450;
    public const int LocalError = 451;
    public const int InsufficientStorage = 452;
    public const int SyntaxError = 500;
    public const int BadArguments = 501;
    public const int NotImplemented = 502;
    public const int BadSequence = 503;
    public const int BadParameter = 504;
    public const int BadNetworkProtocol = 522;
    /// <summary>522 too, for TLS: "Data connections must be encrypted." and "SSL connection failed..." (vsftpd's FTP_NEEDENCRYPT, FTP_DATATLSBAD).</summary>
    public const int DataTlsRequired = 522;
    public const int NotLoggedIn = 530;
    /// <summary>RFC 4217: the server will not clear the command channel (CCC).</summary>
    public const int PolicyRefusesClear = 534;
    /// <summary>vsftpd's FTP_NOHANDLEPROT: PROT S and PROT E.</summary>
    public const int ProtNotSupported = 536;
    public const int FileNotFound = 550;
    public const int ExceededStorage = 552;
    public const int BadFileName = 553;
}
