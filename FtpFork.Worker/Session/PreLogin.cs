// The loop before login: only commands that need no login run; the rest get 530.
namespace FtpFork.Worker;

public static class PreLogin
{
    /// <summary>Returns true once a user is logged in, false when the session ended first.</summary>
    public static bool Run(Session s)
    {
        while (!s.LoggedIn)
        {
            var line = s.NextCommand();
            if (line.Status == LineStatus.Eof) return false;
            s.NoteCommand(line);
            Dispatcher.Dispatch(s, line);
            if (s.QuitRequested) return false;
        }
        return true;
    }
}
