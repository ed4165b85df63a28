package dev.align4j.rewards.code;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The generated BPF program, run by a small classic-BPF interpreter written here from the kernel's seccomp_data
 * layout (nr at 0, arch at 4, args[] at 16): every listed call is denied, clone is denied exactly when a namespace
 * flag is set, clone3 gets ENOSYS, a foreign ABI is denied, everything else allowed. The syscall numbers are
 * compared with the host's kernel headers when they are installed.
 */
class SeccompFilterTest {

  /** Runs the program on one system call; returns the filter's verdict. */
  static int run(byte[] program, int arch, int nr, long arg0) {
    ByteBuffer p = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch).putLong(16, arg0);
    int acc = 0;
    int pc = 0;
    for (int steps = 0; steps < 10_000; steps++) {
      int code = p.getShort(pc * 8) & 0xFFFF;
      int jt = p.get(pc * 8 + 2) & 0xFF;
      int jf = p.get(pc * 8 + 3) & 0xFF;
      int k = p.getInt(pc * 8 + 4);
      switch (code) {
        case 0x20 -> { // ld [k]
          acc = data.getInt(k);
          pc++;
        }
        case 0x15 -> pc += 1 + (acc == k ? jt : jf);
        case 0x35 -> pc += 1 + (Integer.compareUnsigned(acc, k) >= 0 ? jt : jf);
        case 0x45 -> pc += 1 + ((acc & k) != 0 ? jt : jf);
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected BPF opcode " + code);
      }
    }
    throw new AssertionError("the program loops");
  }

  @ParameterizedTest
  @EnumSource(SeccompFilter.Arch.class)
  void deniesTheListAndClonesIntoNamespacesAndAllowsTheRest(SeccompFilter.Arch arch) {
    byte[] program = SeccompFilter.program(arch, false);
    assertEquals(0, program.length % 8);
    List<String> denied = SeccompFilter.denied(arch, false);
    assertTrue(denied.containsAll(List.of("unshare", "setns", "mount", "umount2", "pivot_root", "ptrace", "keyctl",
        "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "open_tree",
        "fsopen", "process_vm_writev", "kexec_load", "init_module")), denied.toString());
    for (String name : denied) {
      assertEquals(SeccompFilter.RET_EPERM, run(program, arch.auditArch, arch.numbers.get(name), 0), name);
    }
    int clone = arch.numbers.get("clone");
    assertEquals(SeccompFilter.RET_ALLOW, run(program, arch.auditArch, clone, 0x01200011)); // fork()'s flags
    assertEquals(SeccompFilter.RET_ALLOW, run(program, arch.auditArch, clone, 0x003d0f00)); // a thread
    for (int flag : new int[] {0x10000000, 0x00020000, 0x20000000, 0x40000000, 0x08000000, 0x04000000, 0x02000000}) {
      assertEquals(SeccompFilter.RET_EPERM, run(program, arch.auditArch, clone, 0x01200011 | flag),
          Integer.toHexString(flag));
    }
    assertEquals(SeccompFilter.RET_ENOSYS, run(program, arch.auditArch, arch.numbers.get("clone3"), 0));
    for (int nr : new int[] {0, 1, 2, 3, 9, 39, 57, 59, 60, 231}) { // read write open close mmap getpid ... exit
      if (!arch.numbers.containsValue(nr)) {
        assertEquals(SeccompFilter.RET_ALLOW, run(program, arch.auditArch, nr, 0), "syscall " + nr);
      }
    }
    assertEquals(SeccompFilter.RET_EPERM, run(program, 0x40000003, 1, 0)); // i386 ABI
    // SysV IPC only where asked (the mode without an IPC namespace)
    int shmget = arch.numbers.get("shmget");
    assertEquals(SeccompFilter.RET_ALLOW, run(program, arch.auditArch, shmget, 0));
    assertEquals(SeccompFilter.RET_EPERM, run(SeccompFilter.program(arch, true), arch.auditArch, shmget, 0));
  }

  @Test
  void x32SystemCallsAreDenied() {
    byte[] program = SeccompFilter.program(SeccompFilter.Arch.X86_64, false);
    assertEquals(SeccompFilter.RET_EPERM, run(program, SeccompFilter.Arch.X86_64.auditArch, 0x40000000 | 1, 0));
  }

  /** The tables agree with the kernel's uapi headers of this host (skipped when they are not installed). */
  @ParameterizedTest
  @EnumSource(SeccompFilter.Arch.class)
  void syscallNumbersMatchTheKernelHeaders(SeccompFilter.Arch arch) throws IOException {
    Path header = arch == SeccompFilter.Arch.X86_64 ? Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
        : Path.of("/usr/include/asm-generic/unistd.h");
    assumeTrue(Files.isReadable(header), header + " is not installed");
    Map<String, Integer> fromHeader = new java.util.HashMap<>();
    Matcher m = Pattern.compile("#define __NR(?:3264)?_(\\w+)\\s+(\\d+)").matcher(Files.readString(header));
    while (m.find()) {
      fromHeader.putIfAbsent(m.group(1), Integer.parseInt(m.group(2)));
    }
    List<String> wrong = new ArrayList<>();
    arch.numbers.forEach((name, nr) -> {
      if (!nr.equals(fromHeader.get(name))) {
        wrong.add(name + " " + nr + " vs " + fromHeader.get(name));
      }
    });
    assertEquals(List.of(), wrong);
  }
}
