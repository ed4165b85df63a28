package dev.align4j.rewards.code;

import java.lang.reflect.*;
import java.util.*;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void dump() throws Exception {
    PythonInterpreter py = PythonInterpreter.resolve();
    Constructor<Sandbox> c = Sandbox.class.getDeclaredConstructor(SandboxLimits.class, PythonInterpreter.class,
        Isolation.class, OptionalInt.class, Optional.class, Optional.class);
    c.setAccessible(true);
    for (Isolation m : List.of(Isolation.BUBBLEWRAP, Isolation.NAMESPACES, Isolation.PROCESS_ONLY)) {
      Sandbox s = c.newInstance(SandboxLimits.defaults(), py, m, OptionalInt.empty(), Optional.empty(), SeccompFilter.Arch.host());
      Method pm = Sandbox.class.getDeclaredMethod("payload", String.class, List.class, List.class, int.class, String.class);
      pm.setAccessible(true);
      byte[] payload = (byte[]) pm.invoke(s, "def add(a, b):\n    return a + b\n", List.of("add(1, 2)", "add(2, 2)"), List.of(), 200777, m == Isolation.PROCESS_ONLY ? "/tmp/sbxwork" : "/tmp");
      java.nio.file.Files.write(java.nio.file.Path.of("/tmp/payload-" + m), payload);
      Method cm = Sandbox.class.getDeclaredMethod("command", Optional.class);
      cm.setAccessible(true);
      List<String> cmd = (List<String>) cm.invoke(s, Optional.empty());
      java.nio.file.Files.write(java.nio.file.Path.of("/tmp/cmd-" + m), String.join("\0", cmd).getBytes());
    }
  }
}
