// The loop after login: every command of the table, until QUIT, EOF or a signal ends the session.
namespace FtpFork.Worker;

public static class PostLogin
{
    public static void Run(Session s)
    {
        while (!s.QuitRequested)
        {
            var line = s.NextCommand();
            if (line.Status == LineStatus.Eof) return;
            if (line.Status == LineStatus.Ok)
            {
                int sp = line.Text.IndexOf(' ');
                string verb = (sp < 0 ? line.Text : line.Text[..sp]).ToUpperInvariant();
                s.SetTitle(verb is "PASS" ? "IDLE" : (sp < 0 ? verb : $"{verb} {line.Text[(sp + 1)..]}"));
                s.Stats?.SetState(verb is "PASS" ? "IDLE" : verb, sp >= 0 && verb is "RETR" or "STOR" or "APPE" or "STOU" or "LIST" or "NLST" or "MLSD"
                    ? s.Files.LogPath(line.Text[(sp + 1)..]) : "");
            }
            Dispatcher.Dispatch(s, line);
            s.Activity.FailPending();
        }
    }
}
