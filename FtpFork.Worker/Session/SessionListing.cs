// The session's listing state: the MLST facts selected with OPTS MLST.
namespace FtpFork.Worker;

public sealed partial class Session
{
    /// <summary>The facts MLSD/MLST send (OPTS MLST changes them), from ListFormat.AllFacts.</summary>
    public IReadOnlyList<string> MlstFacts { get; set; } = ListFormat.DefaultFacts;
}
