# align4j code-sandbox harness (trusted). Started by dev.align4j.rewards.code.Sandbox, inside the isolation wrapper
# of the chosen mode (bwrap, unshare, or nothing), as
#   python3 -I -S -c 'import marshal,sys;exec(marshal.loads(sys.stdin.buffer.read(int(sys.stdin.buffer.readline()))))'
# with this file, compiled once per JVM by the same interpreter, first on stdin (no compiling and no site import per
# run: most of a run's overhead is interpreter start-up), then the payload as length-prefixed fields
# ("<decimal length>\n<bytes>"): config ("key=value" lines), file-system layout (lines "bind PATH" / "symlink TARGET
# PATH"), the interpreter's normal sys.path (one entry a line), seccomp filter (raw sock_filter array, may be
# empty), solution, call expressions (length-prefixed fields again), stdin inputs (length-prefixed fields again).
#
# This process is the supervisor: it never runs untrusted code. It builds the file system view (mode "pivot"), then
# runs each job in a freshly forked child that drops every privilege before it touches the solution:
#   job "calls" (when there are assert-style tests, even without calls): run the solution once, then evaluate each
#               call expression and write its value, serialized, to fd 3;
#   job "io" (one per stdin input): run the solution as a program with that stdin; its stdout is the value.
# Expected values are never sent here: the Java side compares the values after the run. The supervisor then writes
# one report on its own stdout (which no child can reach) and exits.
#
# No json/re/random/signal imports: each costs milliseconds of start-up per run.
import os
import resource
import select
import sys
import time

MAGIC = b"ALIGN4J-SANDBOX-REPORT 2\n"
SIGKILL = 9
RESULTS_FD = 3

# prctl / mount constants (linux uapi)
PR_SET_DUMPABLE, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_SECUREBITS = 4, 22, 24, 28
PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 47, 4
SECCOMP_MODE_FILTER = 2
SECBITS_LOCKED_NOROOT = 0x2F  # NOROOT | NO_SETUID_FIXUP, both locked, KEEP_CAPS_LOCKED
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_RELATIME = 1024, 2048, 1 << 21
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
MNT_DETACH = 2


def fields(data):
    out, at = [], 0
    while at < len(data):
        nl = data.index(b"\n", at)
        n = int(data[at:nl])
        if nl + 1 + n > len(data):
            raise ValueError("truncated payload")
        out.append(data[nl + 1:nl + 1 + n])
        at = nl + 1 + n
    return out


def read_payload():
    f = fields(sys.stdin.buffer.read())
    cfg = {}
    for line in f[0].decode().splitlines():
        key, _, value = line.partition("=")
        cfg[key] = int(value) if value.lstrip("-").isdigit() else value
    layout = [line.split(" ") for line in f[1].decode().splitlines() if line]
    cfg["sys_path"] = [line for line in f[2].decode().split("\n") if line]
    calls = [c.decode("utf-8") for c in fields(f[5])]
    return cfg, layout, f[3], f[4].decode("utf-8"), calls, fields(f[6])


class Libc:
    """The few system calls the standard library lacks, through ctypes (imported only where needed)."""

    def __init__(self):
        import ctypes

        self.ctypes = ctypes
        self.libc = ctypes.CDLL(None, use_errno=True)
        self.libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]

    def check(self, rc, what):
        if rc != 0:
            err = self.ctypes.get_errno()
            raise OSError(err, "%s: %s" % (what, os.strerror(err)))

    def prctl(self, option, arg2=0, arg3=0):
        return self.libc.prctl(option, arg2, arg3, 0, 0)

    def mount(self, src, target, fstype, flags, data=None):
        enc = lambda s: s.encode() if s is not None else None
        self.check(self.libc.mount(enc(src), enc(target), enc(fstype), self.ctypes.c_ulong(flags), enc(data)),
                   "mount " + target)

    def umount(self, target, flags):
        self.check(self.libc.umount2(target.encode(), flags), "umount " + target)

    def syscall(self, number, *args):
        self.check(self.libc.syscall(number, *args), "syscall %d" % number)

    def drop_capabilities(self):
        """Empties every capability set; the bounding set only where this process may change it."""
        for cap in range(64):
            if self.prctl(PR_CAPBSET_DROP, cap) != 0 and self.ctypes.get_errno() == 22:  # EINVAL: past the last
                break
        self.prctl(PR_SET_SECUREBITS, SECBITS_LOCKED_NOROOT)  # fails without CAP_SETPCAP (a non-root uid): fine
        self.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
        header = (self.ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
        data = (self.ctypes.c_uint32 * 6)()  # effective, permitted, inheritable (x2): all empty
        self.check(self.libc.capset(header, data), "capset")

    def landlock(self, cfg, layout):
        """Mode "none": Landlock limits files to the runtime (read), the work dir and five devices, and denies TCP
        bind/connect and signals or abstract sockets outside the run where the kernel's ABI has them."""
        ctypes, abi, nr = self.ctypes, cfg["landlock_abi"], 444  # landlock_create_ruleset: 444 on every ABI
        fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) | (1 << 15 if abi >= 5 else 0)
        attr = (ctypes.c_uint64 * 3)(fs, 3 if abi >= 4 else 0, 3 if abi >= 6 else 0)
        ruleset = self.libc.syscall(nr, attr, 24 if abi >= 6 else 16 if abi >= 4 else 8, 0)
        if ruleset < 0:
            self.check(-1, "landlock_create_ruleset")

        class PathBeneath(ctypes.Structure):
            _pack_ = 1
            _fields_ = [("allowed", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]

        def allow(path, access):
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            try:
                self.check(self.libc.syscall(nr + 1, ruleset, 1, ctypes.byref(PathBeneath(access, fd)), 0),
                           "landlock_add_rule " + path)
            finally:
                os.close(fd)

        for entry in layout:
            if entry[0] == "bind":
                allow(entry[1], 1 | 4 | 8)  # execute, read file, read dir
        allow(cfg["workdir"], fs)
        for name in ("null", "zero", "full", "random", "urandom"):
            allow("/dev/" + name, fs & (2 | 4 | 1 << 14 | 1 << 15))  # write, read, truncate, ioctl
        self.check(self.libc.syscall(nr + 2, ruleset, 0), "landlock_restrict_self")
        os.close(ruleset)

    def install_seccomp(self, program):
        ctypes = self.ctypes

        class Fprog(ctypes.Structure):
            _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

        buf = ctypes.create_string_buffer(program, len(program))
        prog = Fprog(len(program) // 8, ctypes.addressof(buf))
        self.check(self.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(prog)), "seccomp")


def locked_flags(path):
    """Mount flags of path that a remount inside a user namespace must keep (the kernel locks them)."""
    f = os.statvfs(path).f_flag
    out = 0
    for st, ms in ((1, MS_RDONLY), (2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC), (1024, MS_NOATIME),
                   (2048, MS_NODIRATIME), (4096, MS_RELATIME)):
        if f & st:
            out |= ms
    return out


def tmpfs_options(cfg, owner):
    return "size=%d,nr_inodes=%d,mode=0700,uid=%d,gid=%d" % (cfg["tmpfs_bytes"], cfg["tmpfs_inodes"], owner, owner)


def build_root(cfg, layout, libc):
    """Mode "pivot": a new root holding only the read-only runtime, a private /tmp, /proc and a minimal /dev."""
    new = "/tmp"  # a directory that exists on every host; the tmpfs below shadows it in this namespace only
    libc.mount(None, "/", None, MS_REC | MS_PRIVATE)
    libc.mount("tmpfs", new, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,nr_inodes=256,mode=0755")
    for entry in layout:
        if entry[0] == "symlink":
            os.symlink(entry[1], new + entry[2])
        elif entry[0] == "bind":
            path = entry[1]
            os.makedirs(new + path, exist_ok=True)
            libc.mount(path, new + path, None, MS_BIND | MS_REC)
            libc.mount(None, new + path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | locked_flags(path))
    owner = cfg["uid"] if cfg["uid"] >= 0 else 0
    os.mkdir(new + "/tmp")
    libc.mount("tmpfs", new + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_options(cfg, owner))
    os.mkdir(new + "/proc")
    libc.mount("proc", new + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.mkdir(new + "/dev")
    libc.mount("tmpfs", new + "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "size=64k,nr_inodes=64,mode=0755")
    for name in ("null", "zero", "full", "random", "urandom"):
        open(new + "/dev/" + name, "w").close()
        libc.mount("/dev/" + name, new + "/dev/" + name, None, MS_BIND)
    os.symlink("/tmp", new + "/dev/shm")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
                         ("stderr", "/proc/self/fd/2")):
        os.symlink(target, new + "/dev/" + name)
    libc.mount(None, new + "/dev", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC)
    os.chdir(new)
    libc.syscall(cfg["sys_pivot_root"], b".", b".")  # the old root is stacked under the new one ...
    libc.umount(".", MNT_DETACH)  # ... and detached: nothing of the host's tree is reachable any more
    os.chdir("/")
    libc.mount(None, "/", None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def limit_bwrap_tmpfs(cfg, libc):
    """Mode "bwrap": bwrap built the root; /tmp gets a fresh tmpfs with size and inode limits, shared by /dev/shm."""
    owner = cfg["uid"] if cfg["uid"] >= 0 else os.getuid()
    libc.mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_options(cfg, owner))
    if os.path.isdir("/dev/shm"):
        libc.mount("/tmp", "/dev/shm", None, MS_BIND)


def child_setup(cfg, layout, seccomp, libc, stdin_data, w_res, w_out, w_err):
    """In the forked child, before any untrusted code: descriptors, limits, identity, capabilities, seccomp."""
    os.setsid()
    if stdin_data is None:
        stdin_fd = os.open(os.devnull, os.O_RDONLY)
    else:
        stdin_fd = os.memfd_create("stdin", 0)
        view = memoryview(stdin_data)
        while view:
            view = view[os.write(stdin_fd, view):]
        os.lseek(stdin_fd, 0, os.SEEK_SET)
    os.dup2(stdin_fd, 0)
    os.dup2(w_out, 1)
    os.dup2(w_err, 2)
    os.dup2(w_res, RESULTS_FD)
    os.closerange(RESULTS_FD + 1, 1 << 16)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cfg["cpu_seconds"], cfg["cpu_seconds"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (cfg["address_space_bytes"], cfg["address_space_bytes"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (cfg["file_size_bytes"], cfg["file_size_bytes"]))
    resource.setrlimit(resource.RLIMIT_NOFILE, (cfg["open_files"], cfg["open_files"]))
    uid = cfg["uid"]
    if uid >= 0:
        resource.setrlimit(resource.RLIMIT_NPROC, (cfg["processes"], cfg["processes"]))
        for cap in range(64):  # the bounding set, while CAP_SETPCAP is still held
            if libc.prctl(PR_CAPBSET_DROP, cap) != 0 and libc.ctypes.get_errno() == 22:
                break
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)  # a non-zero uid: the kernel clears every capability set
    libc.drop_capabilities()
    # dumpable again (a credential change or the supervisor's setting cleared it): the code may read its own
    # /proc/self/fd and the like; others still cannot reach it (seccomp denies ptrace; the supervisor stays closed)
    libc.prctl(PR_SET_DUMPABLE, 1)
    os.chdir(cfg["workdir"])  # after the switch: the private /tmp belongs to the sandbox's uid alone
    libc.check(libc.prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    if seccomp:
        libc.install_seccomp(seccomp)
    with open("/proc/self/status") as f:
        status = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
    for key in ("CapInh", "CapPrm", "CapEff", "CapAmb"):
        if int(status.get(key, "0"), 16) != 0:
            raise OSError("%s is %s after dropping capabilities" % (key, status[key]))
    if status.get("NoNewPrivs", "0").strip() != "1" or (seccomp and status.get("Seccomp", "0").strip() != "2"):
        raise OSError("no_new_privs or seccomp not in effect: %r" % status)
    if cfg["landlock_abi"] > 0:
        libc.landlock(cfg, layout)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": cfg["workdir"]})
    sys.path[:] = cfg["sys_path"]  # what site would have set up (dist-packages), without its per-run cost
    import builtins

    builtins.exit = builtins.quit = quit_  # site adds these; solutions use them


def quit_(code=None):
    """exit()/quit() as site defines them (the sandbox's interpreter runs with -S)."""
    try:
        sys.stdin.close()
    except BaseException:
        pass
    raise SystemExit(code)


def frame(tag, payload):
    os.write(RESULTS_FD, b"%s%d:" % (tag, len(payload)) + payload)


class TooLarge(Exception):
    pass


def make_encoder(limit):
    """Serializer of plain values: N T F i<hex>; f<float.hex>; s/b<len>:<bytes> l/t/S/Z/d<count>: u<len>:<type>."""
    _type, _isinstance, _len, _int_format, _float_hex = type, isinstance, len, int.__format__, float.hex
    _str_encode, _bytes_new = str.encode, bytes
    _list_iter, _dict_items, _set_iter, _frozenset_iter = list.__iter__, dict.items, set.__iter__, frozenset.__iter__

    def encode(value):
        out, budget = [], [limit]

        def put(b):
            budget[0] -= _len(b)
            if budget[0] < 0:
                raise TooLarge()
            out.append(b)

        def counted(tag, items, depth):
            put(b"%s%d:" % (tag, _len(items)))
            for item in items:
                walk(item, depth + 1)

        def walk(v, depth):
            if depth > 100:
                raise TooLarge()
            t = _type(v)
            if v is None:
                put(b"N")
            elif t is bool:
                put(b"T" if v else b"F")
            elif _isinstance(v, int):
                put(b"i" + _int_format(v, "x").encode() + b";")
            elif _isinstance(v, float):
                put(b"f" + _float_hex(v).encode() + b";")
            elif _isinstance(v, str):
                b = _str_encode(v, "utf-8", "surrogatepass")
                put(b"s%d:" % _len(b))
                put(b)
            elif _isinstance(v, (bytes, bytearray)):
                b = _bytes_new(v)
                put(b"b%d:" % _len(b))
                put(b)
            elif _isinstance(v, list):
                counted(b"l", [*_list_iter(v)], depth)
            elif _isinstance(v, tuple):
                counted(b"t", [*v], depth)
            elif _isinstance(v, dict):
                pairs = [*_dict_items(v)]
                put(b"d%d:" % _len(pairs))
                for k, x in pairs:
                    walk(k, depth + 1)
                    walk(x, depth + 1)
            elif _isinstance(v, frozenset):
                counted(b"Z", [*_frozenset_iter(v)], depth)
            elif _isinstance(v, set):
                counted(b"S", [*_set_iter(v)], depth)
            else:
                name = str(getattr(t, "__qualname__", "?"))[:100].encode("utf-8", "replace")
                put(b"u%d:" % _len(name))
                put(name)

        walk(value, 0)
        return b"".join(out)

    return encode


def describe(e):
    try:
        return ("%s: %s" % (type(e).__name__, e))[:500].encode("utf-8", "replace")
    except BaseException:
        return b"exception"


def run_calls(solution, calls, encode):
    """Job "calls": frames S (solution ran), X (solution raised or exited), then per call V<value> or E<error>."""
    import builtins

    scope = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(solution, "<solution>", "exec"), scope)
    except SystemExit as e:
        frame(b"X", b"the solution called exit(%s) before the tests" % str(e.code)[:100].encode("utf-8", "replace"))
        return
    except BaseException as e:
        frame(b"X", b"the solution raised " + describe(e))
        return
    frame(b"S", b"")
    for i, source in enumerate(calls):
        try:
            value = eval(compile(source, "<test call %d>" % i, "eval"), scope)
        except BaseException as e:
            frame(b"E", describe(e))
            continue
        try:
            blob = encode(value)
        except BaseException as e:
            frame(b"E", b"the value cannot be returned: " + (b"too large or too deep" if isinstance(e, TooLarge)
                                                            else describe(e)))
            continue
        frame(b"V", blob)


def run_program(solution):
    """Job "io": the solution as a program (stdin from the test); exit status as python3 would report it."""
    import builtins

    scope = {"__name__": "__main__", "__builtins__": builtins}
    code = 0
    try:
        exec(compile(solution, "<solution>", "exec"), scope)
    except SystemExit as e:
        code = exit_code(e)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    try:  # what the interpreter does at exit: wait for non-daemon threads, run atexit handlers
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        import atexit

        atexit._run_exitfuncs()
    except SystemExit as e:
        code = exit_code(e)
    except BaseException:
        code = code or 1
    return code


def exit_code(e):
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code & 0xFF
    try:
        sys.stderr.write(str(e.code) + "\n")
    except BaseException:
        pass
    return 1


def child_main(cfg, layout, seccomp, libc, job, solution, calls, w_res, w_out, w_err):
    """The forked child: never returns."""
    try:
        child_setup(cfg, layout, seccomp, libc, job, w_res, w_out, w_err)
    except BaseException as e:
        try:
            frame(b"!", b"sandbox setup failed: " + describe(e))
        finally:
            os._exit(97)
    code = 0
    if job is None:
        run_calls(solution, calls, make_encoder(cfg["results_bytes"]))
    else:
        code = run_program(solution)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    os._exit(code)


class Capped:
    def __init__(self, cap):
        self.cap, self.data, self.dropped = cap, bytearray(), 0

    def add(self, chunk):
        room = self.cap - len(self.data)
        if room > 0:
            self.data += chunk[:room]
        self.dropped += max(0, len(chunk) - max(room, 0))


def kill_job(child_pid, pid1):
    if pid1:
        try:
            os.kill(-1, SIGKILL)  # every process of this pid namespace except its init (this one)
        except ProcessLookupError:
            pass
    else:
        try:
            os.killpg(child_pid, SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


def reap_all(pid1):
    """As init, collect every orphan that died (they were killed with the job)."""
    if not pid1:
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run_job(cfg, layout, seccomp, libc, job, solution, calls, deadline, out_cap):
    r_res, w_res = os.pipe()
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    sys.stdout.flush()
    pid = os.fork()
    if pid == 0:
        child_main(cfg, layout, seccomp, libc, job, solution, calls, w_res, w_out, w_err)
    for fd in (w_res, w_out, w_err):
        os.close(fd)
    caps = {r_out: Capped(out_cap), r_err: Capped(cfg["output_bytes"]), r_res: Capped(cfg["results_bytes"] + 4096)}
    open_fds = set(caps)
    pidfd = os.pidfd_open(pid) if hasattr(os, "pidfd_open") else None
    status, usage, timed_out = None, None, False
    while status is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        watch = list(open_fds) + ([pidfd] if pidfd is not None else [])
        ready, _, _ = select.select(watch, [], [], remaining if pidfd is not None else min(remaining, 0.02))
        for fd in ready:
            if fd in open_fds:
                chunk = os.read(fd, 1 << 20)
                if chunk:
                    caps[fd].add(chunk)
                else:
                    open_fds.discard(fd)
        done, st, ru = os.wait4(pid, os.WNOHANG)
        if done == pid:
            status, usage = st, ru
    pid1 = os.getpid() == 1
    kill_job(pid, pid1)
    if status is None:
        _, status, usage = os.wait4(pid, 0)
    reap_all(pid1)
    for fd in list(open_fds):  # what the job wrote before it ended (its descendants are dead now)
        while select.select([fd], [], [], 0)[0]:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            caps[fd].add(chunk)
    for fd in caps:
        os.close(fd)
    if pidfd is not None:
        os.close(pidfd)
    if timed_out:
        ending = "timeout"
    elif os.WIFSIGNALED(status):
        ending = "signal %d" % os.WTERMSIG(status)
    else:
        ending = "exit %d" % os.WEXITSTATUS(status)
    return {
        "status": ending,
        "cpu_ms": int((usage.ru_utime + usage.ru_stime) * 1000),
        "stdout": caps[r_out].data,
        "stdout_dropped": caps[r_out].dropped,
        "stderr": caps[r_err].data,
        "results": caps[r_res].data,
    }


def write_report(items):
    out = [MAGIC]
    for key, value in items:
        blob = value if isinstance(value, (bytes, bytearray)) else str(value).encode()
        out.append(b"%s %d\n" % (key.encode(), len(blob)))
        out.append(bytes(blob))
        out.append(b"\n")
    out.append(b"end 0\n\n")
    sys.stdout.buffer.write(b"".join(out))
    sys.stdout.buffer.flush()


def main():
    started = time.monotonic()
    cfg, layout, seccomp, solution, calls, stdins = read_payload()
    libc = Libc()
    libc.prctl(PR_SET_DUMPABLE, 0)  # /proc/<this>/{fd,mem,environ} stay closed to processes of the same uid
    report = []
    try:
        if cfg["fs"] == "pivot":
            build_root(cfg, layout, libc)
        elif cfg["fs"] == "bwrap":
            limit_bwrap_tmpfs(cfg, libc)
    except BaseException as e:
        report.append(("setup_error", b"sandbox setup failed: " + describe(e)))
        write_report(report)
        return
    deadline = started + cfg["wall_ms"] / 1000.0
    jobs = ([None] if cfg["calls_job"] else []) + stdins
    budget = cfg["report_bytes"]
    timed_out = False
    for i, job in enumerate(jobs):
        if timed_out:
            report.append(("job%d.status" % i, "not_run"))
            continue
        out_cap = cfg["output_bytes"] if job is None else max(0, min(cfg["program_output_bytes"], budget))
        result = run_job(cfg, layout, seccomp, libc, job, solution, calls, deadline, out_cap)
        budget -= len(result["stdout"])
        timed_out = result["status"] == "timeout"
        for key, value in result.items():
            report.append(("job%d.%s" % (i, key), value))
    report.append(("elapsed_ms", int((time.monotonic() - started) * 1000)))
    write_report(report)


main()
