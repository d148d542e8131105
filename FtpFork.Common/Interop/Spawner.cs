// Starts a child with posix_spawn (never fork in the runtime), one fd dup2'd onto a fixed number.
using System.Runtime.InteropServices;
using System.Text;
using Mono.Unix.Native;

namespace FtpFork.Common.Interop;

public static unsafe class Spawner
{
    /// <summary>
    /// Spawns <paramref name="path"/> with argv (argv[0] is the title) and the current environment,
    /// with <paramref name="passFd"/> on <paramref name="childFd"/>; every fd above childFd is closed
    /// in the child. Dispositions reset in the child; its signal mask holds <paramref name="blocked"/>
    /// only. With <paramref name="output"/> ≥ 0 the child's stdout and stderr are that fd. Returns the pid.
    /// </summary>
    public static int Spawn(string path, IReadOnlyList<string> argv, int passFd, int childFd,
        IReadOnlyList<string>? env = null, IReadOnlyList<Sig>? blocked = null, int output = -1)
    {
        if (passFd == childFd)
            throw new ArgumentException("fd to pass already sits on the target number; dup2 would keep close-on-exec");
        var envList = env ?? CurrentEnvironment();
        var strings = new List<IntPtr>();
        IntPtr fa = Marshal.AllocHGlobal(256), attr = Marshal.AllocHGlobal(512), set = Marshal.AllocHGlobal(Native.SigSetSize);
        try
        {
            byte** argvP = stackalloc byte*[argv.Count + 1];
            for (int i = 0; i < argv.Count; i++) argvP[i] = Utf8(argv[i], strings);
            argvP[argv.Count] = null;
            byte** envP = (byte**)Marshal.AllocHGlobal((envList.Count + 1) * sizeof(IntPtr));
            strings.Add((IntPtr)envP);
            for (int i = 0; i < envList.Count; i++) envP[i] = Utf8(envList[i], strings);
            envP[envList.Count] = null;
            byte* pathP = Utf8(path, strings);

            Checked("posix_spawn_file_actions_init", Native.posix_spawn_file_actions_init(fa));
            Checked("posix_spawnattr_init", Native.posix_spawnattr_init(attr));
            try
            {
                Checked("posix_spawn_file_actions_adddup2", Native.posix_spawn_file_actions_adddup2(fa, passFd, childFd));
                if (output >= 0)
                {
                    Checked("posix_spawn_file_actions_adddup2", Native.posix_spawn_file_actions_adddup2(fa, output, 1));
                    Checked("posix_spawn_file_actions_adddup2", Native.posix_spawn_file_actions_adddup2(fa, output, 2));
                }
                // Descriptors we do not create ourselves may lack close-on-exec (Mono.Posix's UnixSignal
                // pipes, whatever our own parent leaked to us): the child keeps 0-2 and childFd only.
                Checked("posix_spawn_file_actions_addclosefrom_np", Native.posix_spawn_file_actions_addclosefrom_np(fa, childFd + 1));
                SignalWatch.FillSet(set, blocked ?? Array.Empty<Sig>());
                Checked("posix_spawnattr_setsigmask", Native.posix_spawnattr_setsigmask(attr, set));
                Native.sigfillset(set);
                Checked("posix_spawnattr_setsigdefault", Native.posix_spawnattr_setsigdefault(attr, set));
                Checked("posix_spawnattr_setflags", Native.posix_spawnattr_setflags(attr,
                    Native.POSIX_SPAWN_SETSIGMASK | Native.POSIX_SPAWN_SETSIGDEF));
                int pid;
                int rc;
                while ((rc = Native.posix_spawn(out pid, pathP, fa, attr, argvP, envP)) == (int)Errno.EINTR) { }
                Checked("posix_spawn " + path, rc);
                return pid;
            }
            finally
            {
                Native.posix_spawn_file_actions_destroy(fa);
                Native.posix_spawnattr_destroy(attr);
            }
        }
        finally
        {
            foreach (var p in strings) Marshal.FreeHGlobal(p);
            Marshal.FreeHGlobal(fa);
            Marshal.FreeHGlobal(attr);
            Marshal.FreeHGlobal(set);
        }
    }

    private static void Checked(string call, int rc)
    {
        // posix_spawn* return the error number instead of setting errno.
        if (rc != 0) throw new PosixException(call, NativeConvert.ToErrno(rc));
    }

    private static byte* Utf8(string s, List<IntPtr> owned)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)Marshal.AllocHGlobal(n + 1);
        owned.Add((IntPtr)p);
        fixed (char* c = s) Encoding.UTF8.GetBytes(c, s.Length, p, n);
        p[n] = 0;
        return p;
    }

    private static List<string> CurrentEnvironment()
    {
        var list = new List<string>();
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            list.Add($"{e.Key}={e.Value}");
        return list;
    }
}
