package dev.align4j.policies.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parts of a partitioned cache entry read back as the single file would. */
class ReferenceLogProbPartsTest {
  private static final CacheKey KEY = new CacheKey("w", "d", "tok", "tulu", 64, "fp32/cpu");

  @TempDir Path dir;

  private static List<ReferenceLogProbs> values() {
    List<ReferenceLogProbs> out = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      out.add(i % 2 == 0 ? ReferenceLogProbs.ofSum(-1.5 * i - 0.25, i + 1)
          : ReferenceLogProbs.ofTokens(-0.5f * i, new float[] {-0.1f * i, -0.2f, Float.NEGATIVE_INFINITY}));
    }
    return out;
  }

  private void writeParts(List<ReferenceLogProbs> all, int... sizes) throws IOException {
    int from = 0;
    long[] counts = new long[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(ReferenceLogProbParts.partName(i)))) {
        ReferenceLogProbCache.write(out, KEY.digest(), all.subList(from, from + sizes[i]));
      }
      counts[i] = sizes[i];
      from += sizes[i];
    }
    Files.writeString(dir.resolve(ReferenceLogProbParts.INDEX), ReferenceLogProbParts.index(KEY, counts));
  }

  @Test
  void partsInOrderAreTheSingleFileEntriesBitForBit() throws IOException {
    writeParts(values(), 3, 0, 4);
    CacheLookup hit = ReferenceLogProbParts.lookup(dir, KEY);
    assertEquals(values(), assertInstanceOf(CacheLookup.Hit.class, hit).values());
    assertEquals(KEY, ReferenceLogProbParts.storedKey(dir).orElseThrow());
    // the same bytes as one cache file of the same key: a part is a cache file of a slice
    ReferenceLogProbCache single = new ReferenceLogProbCache(dir.resolve("single"));
    single.store(KEY, values().subList(0, 3));
    assertArrayEquals(Files.readAllBytes(single.fileFor(KEY)), Files.readAllBytes(dir.resolve("part-00000.reflogp")));
  }

  @Test
  void anotherKeyMissesAndDamageIsReported() throws IOException {
    writeParts(values(), 4, 3);
    assertInstanceOf(CacheLookup.Miss.class,
        ReferenceLogProbParts.lookup(dir, new CacheKey("w", "d", "tok", "tulu", 65, "fp32/cpu")));
    assertInstanceOf(CacheLookup.Miss.class, ReferenceLogProbParts.lookup(dir.resolve("none"), KEY));
    Path part = dir.resolve("part-00001.reflogp");
    byte[] good = Files.readAllBytes(part);
    byte[] bad = good.clone();
    bad[good.length / 2] ^= 1;
    Files.write(part, bad);
    assertInstanceOf(CacheLookup.Corrupt.class, ReferenceLogProbParts.lookup(dir, KEY));
    Files.delete(part);
    assertInstanceOf(CacheLookup.Corrupt.class, ReferenceLogProbParts.lookup(dir, KEY));
    Files.write(part, good);
    assertInstanceOf(CacheLookup.Hit.class, ReferenceLogProbParts.lookup(dir, KEY));
    // an index that claims more sequences than the parts hold
    Files.writeString(dir.resolve("index.json"), ReferenceLogProbParts.index(KEY, new long[] {4, 4}));
    assertInstanceOf(CacheLookup.Corrupt.class, ReferenceLogProbParts.lookup(dir, KEY));
  }
}
