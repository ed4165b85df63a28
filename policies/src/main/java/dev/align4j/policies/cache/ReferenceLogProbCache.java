package dev.align4j.policies.cache;

import dev.align4j.core.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A directory of reference log-prob files, one per {@link CacheKey}, named {@code <key digest>.reflogp}.
 *
 * <p>File format (big-endian, as {@link DataOutputStream} writes):
 *
 * <pre>
 * magic     8 bytes   "A4JREFLP"
 * version   int32     1
 * key       int32 n, then n bytes UTF-8: the key's digest (64 hex digits)
 * count     int32     number of sequences N
 * N times:  float64 sum, int32 tokenCount, int8 hasTokens (0|1), then tokenCount float32 if hasTokens
 * checksum  32 bytes  SHA-256 of every byte above
 * </pre>
 *
 * <p>Files are written to a temporary file in the same directory and renamed into place, so a reader sees a whole
 * file or none. A file that fails any check is reported as {@link CacheLookup.Corrupt} and its numbers are not
 * returned; {@link #getOrCompute} then recomputes and replaces it.
 */
public final class ReferenceLogProbCache {
    static final byte[] MAGIC = "A4JREFLP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final String SUFFIX = ".reflogp";
    private static final int CHECKSUM_BYTES = 32;

    private final Path directory;

    /** A cache in {@code directory} (created on first store). */
    public ReferenceLogProbCache(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** The file that holds (or would hold) {@code key}'s values. */
    public Path fileFor(CacheKey key) {
        return directory.resolve(key.digest() + SUFFIX);
    }

    /** Looks {@code key} up without computing anything. */
    public CacheLookup lookup(CacheKey key) {
        Path file = fileFor(key);
        if (!Files.isRegularFile(file)) {
            return new CacheLookup.Miss();
        }
        try {
            return read(file, key.digest());
        } catch (IOException e) {
            return new CacheLookup.Corrupt(file, "unreadable: " + e.getMessage());
        }
    }

    /**
     * Returns the cached values for {@code key}, or computes, stores and returns them on a miss or a damaged file.
     */
    public List<ReferenceLogProbs> getOrCompute(CacheKey key, Supplier<List<ReferenceLogProbs>> compute) {
        if (lookup(key) instanceof CacheLookup.Hit hit) {
            return hit.values();
        }
        List<ReferenceLogProbs> values = List.copyOf(compute.get());
        store(key, values);
        return values;
    }

    /** Writes {@code values} for {@code key} atomically, replacing any previous file. */
    public void store(CacheKey key, List<ReferenceLogProbs> values) {
        AtomicFiles.write(fileFor(key), out -> write(out, key.digest(), values));
    }

    /**
     * Writes one file of the format above to {@code sink} (not closed): the entries {@code values} under the key
     * digest {@code digest}. {@link ReferenceLogProbParts} writes each part of a partitioned cache with it.
     */
    public static void write(OutputStream sink, String digest, List<ReferenceLogProbs> values) throws IOException {
        OutputStream raw = new BufferedOutputStream(sink, 1 << 16);
        MessageDigest sha = sha256();
        DataOutputStream out = new DataOutputStream(new DigestOutputStream(raw, sha));
        out.write(MAGIC);
        out.writeInt(VERSION);
        byte[] key = digest.getBytes(StandardCharsets.UTF_8);
        out.writeInt(key.length);
        out.write(key);
        out.writeInt(values.size());
        for (ReferenceLogProbs v : values) {
            out.writeLong(Double.doubleToRawLongBits(v.sum()));
            out.writeInt(v.tokenCount());
            Optional<float[]> tokens = v.tokens();
            out.writeByte(tokens.isPresent() ? 1 : 0);
            if (tokens.isPresent()) {
                for (float t : tokens.get()) {
                    out.writeInt(Float.floatToRawIntBits(t));
                }
            }
        }
        out.flush();
        raw.write(sha.digest());
        raw.flush();
    }

    /** Reads one file of the format above, checking that it holds {@code expectedDigest} and is intact. */
    static CacheLookup read(Path file, String expectedDigest) throws IOException {
        long size = Files.size(file);
        MessageDigest sha = sha256();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DigestInputStream hashed = new DigestInputStream(raw, sha);
            DataInputStream in = new DataInputStream(hashed);
            long payload = size - CHECKSUM_BYTES;
            try {
                byte[] magic = in.readNBytes(MAGIC.length);
                if (!Arrays.equals(magic, MAGIC)) {
                    return new CacheLookup.Corrupt(file, "not a reference log-prob cache file (bad magic)");
                }
                int version = in.readInt();
                if (version != VERSION) {
                    return new CacheLookup.Corrupt(file, "format version " + version + ", expected " + VERSION);
                }
                int keyLength = in.readInt();
                if (keyLength < 0 || keyLength > 1024) {
                    return new CacheLookup.Corrupt(file, "bad key length " + keyLength);
                }
                String digest = new String(in.readNBytes(keyLength), StandardCharsets.UTF_8);
                if (!digest.equals(expectedDigest)) {
                    return new CacheLookup.Corrupt(file, "holds key " + digest + ", not " + expectedDigest);
                }
                int count = in.readInt();
                long consumed = MAGIC.length + 4 + 4 + keyLength + 4;
                if (count < 0 || count > (payload - consumed) / 13) {
                    return new CacheLookup.Corrupt(file, "bad sequence count " + count);
                }
                List<ReferenceLogProbs> values = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    double sum = Double.longBitsToDouble(in.readLong());
                    int tokenCount = in.readInt();
                    int hasTokens = in.readByte();
                    consumed += 13;
                    if (tokenCount < 0 || (hasTokens != 0 && hasTokens != 1)
                            || hasTokens * 4L * tokenCount > payload - consumed) {
                        return new CacheLookup.Corrupt(file, "bad entry " + i);
                    }
                    Optional<float[]> tokens = Optional.empty();
                    if (hasTokens == 1) {
                        float[] t = new float[tokenCount];
                        for (int j = 0; j < tokenCount; j++) {
                            t[j] = Float.intBitsToFloat(in.readInt());
                        }
                        consumed += 4L * tokenCount;
                        tokens = Optional.of(t);
                    }
                    values.add(new ReferenceLogProbs(sum, tokenCount, tokens));
                }
                if (consumed != payload) {
                    return new CacheLookup.Corrupt(file, (payload - consumed) + " unexpected bytes before the checksum");
                }
                byte[] computed = sha.digest();
                byte[] stored = raw.readNBytes(CHECKSUM_BYTES + 1);
                if (!Arrays.equals(computed, stored)) {
                    return new CacheLookup.Corrupt(file, "checksum mismatch");
                }
                return new CacheLookup.Hit(values);
            } catch (EOFException e) {
                return new CacheLookup.Corrupt(file, "truncated");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
