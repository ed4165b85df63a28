package dev.align4j.rewards.code;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The seccomp-BPF program the harness installs (prctl {@code PR_SET_SECCOMP}, after {@code no_new_privs}) in every
 * sandboxed process before the solution runs. It is generated here, as raw {@code struct sock_filter} bytes, so that
 * neither a C compiler nor libseccomp is needed on the host. Policy (an allow-list would break ordinary Python):
 * <ul>
 *   <li>a system call of another ABI than the host's (i386 {@code int 0x80}, x32) fails with EPERM;
 *   <li>{@code clone} with any namespace flag ({@code CLONE_NEWUSER}, {@code CLONE_NEWNS}, ...) fails with EPERM;
 *       {@code clone3}, whose flags live in memory a filter cannot read, fails with ENOSYS, so that glibc falls back
 *       to {@code clone} (as Docker's and Chromium's profiles do);
 *   <li>these fail with EPERM: namespaces ({@code unshare setns}), mounts (old and new API, {@code pivot_root chroot}),
 *       other processes' memory ({@code ptrace process_vm_* pidfd_getfd kcmp}), keyrings, {@code bpf},
 *       {@code perf_event_open}, {@code userfaultfd}, {@code io_uring_*}, kernel modules and kexec, file handles,
 *       swap, reboot, clocks, {@code syslog acct quotactl}, host names, {@code fanotify_init}, and on x86-64
 *       {@code iopl ioperm modify_ldt uselib};
 *   <li>optionally ({@link #program(Arch, boolean)}) SysV IPC creation ({@code shmget msgget semget}), for the mode
 *       without an IPC namespace, where such objects would outlive the run.
 * </ul>
 * System call numbers are those of the kernel's {@code arch/x86/entry/syscalls/syscall_64.tbl} and
 * {@code include/uapi/asm-generic/unistd.h} (aarch64); the tests compare them with the host's headers when present.
 */
final class SeccompFilter {
  private static final int LD_W_ABS = 0x20;
  private static final int JEQ_K = 0x15;
  private static final int JGE_K = 0x35;
  private static final int JSET_K = 0x45;
  private static final int RET_K = 0x06;
  static final int RET_ALLOW = 0x7fff0000;
  static final int RET_EPERM = 0x00050000 | 1;
  static final int RET_ENOSYS = 0x00050000 | 38;
  private static final int OFFSET_NR = 0;
  private static final int OFFSET_ARCH = 4;
  private static final int OFFSET_ARG0_LOW = 16; // little-endian: the low 32 bits of args[0]
  /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
  static final int CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
      | 0x20000000 | 0x40000000;
  private static final List<String> SYSV_IPC = List.of("shmget", "msgget", "semget");

  /** The ABIs with a syscall table here. */
  enum Arch {
    X86_64(0xC000003E, table(
        "clone 56 clone3 435 unshare 272 setns 308 mount 165 umount2 166 pivot_root 155 chroot 161 ptrace 101 "
            + "process_vm_readv 310 process_vm_writev 311 kexec_load 246 kexec_file_load 320 init_module 175 "
            + "finit_module 313 delete_module 176 add_key 248 request_key 249 keyctl 250 bpf 321 "
            + "perf_event_open 298 userfaultfd 323 open_by_handle_at 304 name_to_handle_at 303 swapon 167 "
            + "swapoff 168 reboot 169 syslog 103 acct 163 settimeofday 164 clock_settime 227 clock_adjtime 305 "
            + "adjtimex 159 quotactl 179 quotactl_fd 443 lookup_dcookie 212 fsopen 430 fsconfig 431 fsmount 432 "
            + "fspick 433 move_mount 429 open_tree 428 mount_setattr 442 io_uring_setup 425 io_uring_enter 426 "
            + "io_uring_register 427 vhangup 153 pidfd_getfd 438 kcmp 312 fanotify_init 300 sethostname 170 "
            + "setdomainname 171 iopl 172 ioperm 173 modify_ldt 154 uselib 134 shmget 29 msgget 68 semget 64")),
    AARCH64(0xC00000B7, table(
        "clone 220 clone3 435 unshare 97 setns 268 mount 40 umount2 39 pivot_root 41 chroot 51 ptrace 117 "
            + "process_vm_readv 270 process_vm_writev 271 kexec_load 104 kexec_file_load 294 init_module 105 "
            + "finit_module 273 delete_module 106 add_key 217 request_key 218 keyctl 219 bpf 280 "
            + "perf_event_open 241 userfaultfd 282 open_by_handle_at 265 name_to_handle_at 264 swapon 224 "
            + "swapoff 225 reboot 142 syslog 116 acct 89 settimeofday 170 clock_settime 112 clock_adjtime 266 "
            + "adjtimex 171 quotactl 60 quotactl_fd 443 lookup_dcookie 18 fsopen 430 fsconfig 431 fsmount 432 "
            + "fspick 433 move_mount 429 open_tree 428 mount_setattr 442 io_uring_setup 425 io_uring_enter 426 "
            + "io_uring_register 427 vhangup 58 pidfd_getfd 438 kcmp 272 fanotify_init 262 sethostname 161 "
            + "setdomainname 162 shmget 194 msgget 186 semget 190"));

    final int auditArch;
    final Map<String, Integer> numbers;

    Arch(int auditArch, Map<String, Integer> numbers) {
      this.auditArch = auditArch;
      this.numbers = numbers;
    }

    /** The host's ABI, if it has a table here. */
    static Optional<Arch> host() {
      String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
      return switch (a) {
        case "amd64", "x86_64" -> Optional.of(X86_64);
        case "aarch64", "arm64" -> Optional.of(AARCH64);
        default -> Optional.empty();
      };
    }

    private static Map<String, Integer> table(String spec) {
      String[] f = spec.trim().split("\\s+");
      Map<String, Integer> m = new LinkedHashMap<>();
      for (int i = 0; i < f.length; i += 2) {
        m.put(f[i], Integer.parseInt(f[i + 1]));
      }
      return m;
    }
  }

  private SeccompFilter() {}

  /** The names of the calls that fail with EPERM (besides clone with namespace flags and clone3 with ENOSYS). */
  static List<String> denied(Arch arch, boolean denySysvIpc) {
    List<String> out = new ArrayList<>();
    for (String name : arch.numbers.keySet()) {
      if (!name.equals("clone") && !name.equals("clone3") && (denySysvIpc || !SYSV_IPC.contains(name))) {
        out.add(name);
      }
    }
    return out;
  }

  /** The filter as raw {@code struct sock_filter} entries (8 bytes each, little-endian). */
  static byte[] program(Arch arch, boolean denySysvIpc) {
    List<int[]> p = new ArrayList<>(); // {code, jt, jf, k}
    List<String> denied = denied(arch, denySysvIpc);
    p.add(new int[] {LD_W_ABS, 0, 0, OFFSET_ARCH});
    p.add(new int[] {JEQ_K, 1, 0, arch.auditArch});
    p.add(new int[] {RET_K, 0, 0, RET_EPERM});
    p.add(new int[] {LD_W_ABS, 0, 0, OFFSET_NR});
    // the jump targets below are patched once the tail's position is known
    int x32 = -1;
    if (arch == Arch.X86_64) {
      x32 = p.size();
      p.add(new int[] {JGE_K, -1, 0, 0x40000000}); // __X32_SYSCALL_BIT
    }
    int cloneAt = p.size();
    p.add(new int[] {JEQ_K, -1, 0, arch.numbers.get("clone")});
    int clone3At = p.size();
    p.add(new int[] {JEQ_K, -1, 0, arch.numbers.get("clone3")});
    List<Integer> denyJumps = new ArrayList<>();
    for (String name : denied) {
      denyJumps.add(p.size());
      p.add(new int[] {JEQ_K, -1, 0, arch.numbers.get(name)});
    }
    p.add(new int[] {RET_K, 0, 0, RET_ALLOW});
    int deny = p.size();
    p.add(new int[] {RET_K, 0, 0, RET_EPERM});
    int enosys = p.size();
    p.add(new int[] {RET_K, 0, 0, RET_ENOSYS});
    int cloneCheck = p.size();
    p.add(new int[] {LD_W_ABS, 0, 0, OFFSET_ARG0_LOW});
    p.add(new int[] {JSET_K, 1, 0, CLONE_NAMESPACE_FLAGS});
    p.add(new int[] {RET_K, 0, 0, RET_ALLOW});
    p.add(new int[] {RET_K, 0, 0, RET_EPERM});
    if (x32 >= 0) {
      p.get(x32)[1] = deny - x32 - 1;
    }
    p.get(cloneAt)[1] = cloneCheck - cloneAt - 1;
    p.get(clone3At)[1] = enosys - clone3At - 1;
    for (int at : denyJumps) {
      p.get(at)[1] = deny - at - 1;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(p.size() * 8);
    for (int[] ins : p) {
      if (ins[1] < 0 || ins[1] > 255 || ins[2] < 0 || ins[2] > 255) {
        throw new IllegalStateException("BPF jump out of range");
      }
      out.write(ins[0] & 0xFF);
      out.write((ins[0] >>> 8) & 0xFF);
      out.write(ins[1]);
      out.write(ins[2]);
      for (int s = 0; s < 32; s += 8) {
        out.write((ins[3] >>> s) & 0xFF);
      }
    }
    return out.toByteArray();
  }
}
