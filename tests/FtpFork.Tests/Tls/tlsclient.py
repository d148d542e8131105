# FTPS client scenarios for the TLS tests (python3 ftplib + ssl, i.e. OpenSSL as real clients use it).
# Usage: tlsclient.py SCENARIO PORT TLSVERSION USER PASSWORD [ARGS...]; prints one result per line.
import ftplib, hashlib, io, os, socket, ssl, sys, time

scenario, port, version, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
args = sys.argv[6:]


def context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if version == '1.2':
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif version == '1.3':
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return ctx


class ResumingFTP_TLS(ftplib.FTP_TLS):
    """Resumes a TLS session on every data connection, as curl, lftp and FileZilla do: the control
    connection's (chain=False), or the previous data connection's (chain=True: each ticket used once)."""
    chain = False

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            session = self.last_session if self.chain and getattr(self, 'last_session', None) else self.sock.session
            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=session,
                                            suppress_ragged_eofs=False)  # a missing close_notify raises
            self.reused.append(conn.session_reused)
            self.data_conn = conn
        return conn, size

    def retr(self, name):
        self.voidcmd('TYPE I')
        conn = self.transfercmd('RETR ' + name)
        chunks = []
        while True:
            b = conn.recv(65536)  # b'' only after the server's close_notify (ragged EOFs raise)
            if not b:
                break
            chunks.append(b)
        # The session now holds the ticket the server sent on this connection (read with the data).
        self.last_session = conn.session
        self.session_ids.append(conn.session.id)
        conn.close()
        return self.voidresp(), b''.join(chunks)


def login(cls=ResumingFTP_TLS):
    f = cls(context=context())
    f.reused, f.session_ids = [], []
    f.connect('127.0.0.1', port, timeout=30)
    f.auth()
    f.login(user, password)
    f.prot_p()
    return f


def reply_of(f, cmd):
    try:
        return f.sendcmd(cmd)
    except ftplib.all_errors as e:
        return str(e)


if scenario == 'resume':
    # args: FILE COUNT CHAIN(0|1): COUNT downloads, each checked, all resumed?
    name, count, chain = args[0], int(args[1]), args[2] == '1'
    f = login()
    f.chain = chain
    digests = set()
    for _ in range(count):
        r, data = f.retr(name)
        assert r.startswith('226'), r
        digests.add(hashlib.sha256(data).hexdigest().upper())
    print('resumed', sum(f.reused), 'of', len(f.reused))
    print('distinct sessions', len(set(f.session_ids)))
    print('sha256', ' '.join(sorted(digests)))
    print('control', f.sock.version())
    print(f.quit())

elif scenario == 'uploads':
    # args: PREFIX COUNT: COUNT small uploads, each resuming the control connection's latest session
    # (the ticket that came with the previous 226): with TLS 1.3 every ticket is used once.
    prefix, count = args[0], int(args[1])
    f = login()
    used = []
    for i in range(count):
        used.append(f.sock.session.id)
        r = f.storbinary('STOR %s%d' % (prefix, i), io.BytesIO(b'x' * 1000))
        assert r.startswith('226'), r
    print('resumed', sum(f.reused), 'of', len(f.reused))
    print('distinct sessions', len(set(used)))
    print(f.quit())

elif scenario == 'stock':
    # Python's stock FTP_TLS resumes nothing: the data connection must be refused with 522.
    f = ftplib.FTP_TLS(context=context())
    f.connect('127.0.0.1', port, timeout=30)
    f.auth()
    f.login(user, password)
    f.prot_p()
    try:
        f.retrbinary('RETR ' + args[0], lambda b: None)
        print('no error')
    except ftplib.error_perm as e:
        print('reply', e)
    except (ssl.SSLError, OSError) as e:
        print('tls error', type(e).__name__)
        try:
            print('reply', f.getresp())
        except ftplib.error_perm as e2:
            print('reply', e2)
    print(reply_of(f, 'NOOP'))

elif scenario == 'upload':
    # args: NAME SIZE HOW: HOW = clean (close_notify) or cut (TCP close without close_notify)
    name, size, how = args[0], int(args[1]), args[2]
    data = os.urandom(size)
    f = login()
    conn = f.transfercmd('STOR ' + name)
    conn.sendall(data)
    if how == 'clean':
        conn.unwrap()
    else:
        conn.shutdown(socket.SHUT_WR)  # a TCP FIN with no close_notify before it (what a forged cut looks like)
    try:
        print('reply', f.voidresp())
    except ftplib.all_errors as e:
        print('reply', e)
    conn.close()
    print('sha256', hashlib.sha256(data).hexdigest().upper())
    print(reply_of(f, 'NOOP'))

elif scenario == 'download':
    # args: NAME HOW: after the data, HOW = clean (our close_notify back) or cut (TCP close without one)
    name, how = args[0], args[1]
    f = login()
    f.voidcmd('TYPE I')
    conn = f.transfercmd('RETR ' + name)
    data = b''
    while True:
        b = conn.recv(65536)
        if not b:
            break
        data += b
    if how == 'clean':
        conn.unwrap()
    else:
        conn.shutdown(socket.SHUT_WR)
    try:
        print('reply', f.voidresp())
    except ftplib.all_errors as e:
        print('reply', e)
    conn.close()
    print('sha256', hashlib.sha256(data).hexdigest().upper())

elif scenario == 'alert':
    # A TLS alert record in clear in the middle of an upload: the transfer fails, the session goes on.
    f = login()
    conn = f.transfercmd('STOR ' + args[0])
    conn.sendall(os.urandom(200000))
    os.write(conn.fileno(), b'\x15\x03\x03\x00\x02\x02\x28')  # fatal handshake_failure, unencrypted
    time.sleep(0.2)
    try:
        conn.close()
    except OSError:
        pass
    try:
        print('reply', f.voidresp())
    except ftplib.all_errors as e:
        print('reply', e)
    print(reply_of(f, 'NOOP'))

elif scenario == 'replies':
    # Each command's reply, in order, on the TLS control connection: args are the commands.
    f = ftplib.FTP_TLS(context=context())
    f.connect('127.0.0.1', port, timeout=30)
    print(reply_of(f, 'AUTH TLS'))
    f.sock = f.context.wrap_socket(f.sock, server_hostname=f.host)
    f.file = f.sock.makefile('r', encoding=f.encoding)
    for cmd in args:
        if cmd == 'LOGIN':
            print(reply_of(f, 'USER ' + user))
            print(reply_of(f, 'PASS ' + password))
        elif cmd in ('FEAT', 'STAT', 'HELP'):
            f.putcmd(cmd)
            print(f.getmultiline().replace('\n', '|'))
        else:
            print(reply_of(f, cmd))

elif scenario == 'foreign':
    # Under PROT P a data connection from another address is closed; the client's own still works.
    f = login()
    f.voidcmd('TYPE I')
    host, port2 = ftplib.parse227(f.sendcmd('PASV'))
    stranger = socket.create_connection((host, port2), timeout=10, source_address=('127.0.0.2', 0))
    own = socket.create_connection((host, port2), timeout=10)
    f.putcmd('RETR ' + args[0])
    print(f.getresp())
    stranger.settimeout(10)
    try:
        print('stranger got', len(stranger.recv(100)), 'bytes')
    except OSError as e:
        print('stranger', type(e).__name__)
    own = f.context.wrap_socket(own, server_hostname=f.host, do_handshake_on_connect=False, session=f.sock.session)
    own.do_handshake()
    data = b''
    while True:
        b = own.recv(65536)
        if not b:
            break
        data += b
    print('own got', len(data), 'bytes, resumed', own.session_reused)
    print(f.voidresp())

else:
    sys.exit('unknown scenario ' + scenario)
