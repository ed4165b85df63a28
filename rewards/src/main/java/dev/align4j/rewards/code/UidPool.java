package dev.align4j.rewards.code;

import java.security.SecureRandom;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Dedicated uids for concurrent sandbox runs: one uid per run in flight, so that RLIMIT_NPROC (which counts every
 * process of a real uid) bounds each run on its own and one run's fork bomb cannot starve another. The block of
 * uids is chosen at random per pool (in [200000, 2^31)) so that two JVMs on the same host are unlikely to share.
 */
final class UidPool {
  private static final int FIRST = 200_000;
  private static final int BLOCK = 4096;

  /** The blocks of every pool of this JVM, so checks can tell this JVM's sandbox processes from another's. */
  private static final Set<Integer> BASES = ConcurrentHashMap.newKeySet();

  private final int base;
  private final BitSet used = new BitSet();
  private int next;

  UidPool() {
    int blocks = (Integer.MAX_VALUE - FIRST) / BLOCK - 1;
    this.base = FIRST + new SecureRandom().nextInt(blocks) * BLOCK;
    BASES.add(base);
  }

  /** Whether {@code uid} lies in the block of a pool of this JVM. */
  static boolean ofThisJvm(int uid) {
    return uid >= FIRST && BASES.contains(FIRST + (uid - FIRST) / BLOCK * BLOCK);
  }

  /**
   * A free uid, taken round-robin: a released uid is handed out again only after every other slot of the block,
   * so that the killed processes of a finished run, which may linger as zombies until the host's init reaps them
   * (they count toward RLIMIT_NPROC of their uid), never limit the next run's processes.
   */
  synchronized int acquire() {
    int slot = used.nextClearBit(next);
    if (slot >= BLOCK) {
      slot = used.nextClearBit(0);
    }
    if (slot >= BLOCK) {
      throw new IllegalStateException("more than " + BLOCK + " concurrent sandbox runs");
    }
    used.set(slot);
    next = (slot + 1) % BLOCK;
    return base + slot;
  }

  synchronized void release(int uid) {
    used.clear(uid - base);
  }
}
