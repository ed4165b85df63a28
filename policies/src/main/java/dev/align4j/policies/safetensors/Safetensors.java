package dev.align4j.policies.safetensors;

import dev.align4j.core.AtomicFiles;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.align4j.policies.llama.InvalidModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reader and writer for the safetensors format (huggingface/safetensors): an 8-byte little-endian header length
 * N, then N bytes of JSON {@code {"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}}
 * (offsets relative to the end of the header), then the raw little-endian tensor data.
 *
 * <p>Reads F32, F16 and BF16 into float32 NDArrays (widening is exact); writes F32 or BF16 (round to nearest
 * even), tensors sorted by name, header padded with spaces to a multiple of 8 bytes as the reference writer does.
 */
public final class Safetensors {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Safetensors() {}

  /** Parses the header of one file; errors name the file and, where relevant, the tensor. */
  public static Map<String, TensorEntry> header(Path file) {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw InvalidModelException.file(file, "not a safetensors file (shorter than 8 bytes)", null);
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > size - 8 || headerLen > 100_000_000) {
        throw InvalidModelException.file(file, "not a safetensors file (header length " + headerLen + ")", null);
      }
      ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
      readFully(ch, hb, 8);
      JsonNode root = MAPPER.readTree(new String(hb.array(), StandardCharsets.UTF_8));
      if (root == null || !root.isObject()) {
        throw InvalidModelException.file(file, "safetensors header is not a JSON object", null);
      }
      long dataStart = 8 + headerLen;
      Map<String, TensorEntry> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        out.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataStart, size));
      }
      return out;
    } catch (IOException e) {
      throw InvalidModelException.file(file, "cannot read safetensors: " + e.getMessage(), e);
    }
  }

  private static TensorEntry entry(Path file, String name, JsonNode t, long dataStart, long fileSize) {
    StoredDtype dtype;
    try {
      dtype = StoredDtype.valueOf(t.path("dtype").asText(""));
    } catch (IllegalArgumentException e) {
      throw InvalidModelException.tensor(file, name, "unsupported dtype '" + t.path("dtype").asText("")
          + "' (supported: F32, F16, BF16)");
    }
    JsonNode shapeNode = t.path("shape");
    JsonNode offs = t.path("data_offsets");
    if (!shapeNode.isArray() || !offs.isArray() || offs.size() != 2) {
      throw InvalidModelException.tensor(file, name, "header entry needs 'shape' and two 'data_offsets'");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong(-1);
      if (shape[i] < 0) {
        throw InvalidModelException.tensor(file, name, "negative or non-integer dimension in shape " + shapeNode);
      }
    }
    long begin = offs.get(0).asLong(-1);
    long end = offs.get(1).asLong(-1);
    if (begin < 0 || end < begin || dataStart + end > fileSize) {
      throw InvalidModelException.tensor(file, name, "data_offsets " + offs + " outside the file (truncated?)");
    }
    try {
      return new TensorEntry(name, file, dtype, shape, dataStart + begin, end - begin);
    } catch (IllegalArgumentException e) {
      throw InvalidModelException.tensor(file, name, e.getMessage());
    }
  }

  /** Reads one tensor as float32 into {@code manager}. */
  public static NDArray readFloat32(TensorEntry t, NDManager manager) {
    return manager.create(readFloats(t), new Shape(t.shape()));
  }

  /** Reads one tensor as a float32 Java array (row-major). */
  public static float[] readFloats(TensorEntry t) {
    if (t.elementCount() > Integer.MAX_VALUE - 8) {
      throw InvalidModelException.tensor(t.file(), t.name(), "more than 2^31 elements is not supported");
    }
    int n = (int) t.elementCount();
    float[] out = new float[n];
    try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.READ)) {
      ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, t.start(), t.length()).order(ByteOrder.LITTLE_ENDIAN);
      switch (t.dtype()) {
        case F32 -> buf.asFloatBuffer().get(out);
        case BF16 -> {
          for (int i = 0; i < n; i++) {
            out[i] = Float.intBitsToFloat((buf.getShort(2 * i) & 0xffff) << 16);
          }
        }
        case F16 -> {
          for (int i = 0; i < n; i++) {
            out[i] = halfToFloat(buf.getShort(2 * i));
          }
        }
      }
    } catch (IOException e) {
      throw InvalidModelException.file(t.file(), "cannot read tensor '" + t.name() + "': " + e.getMessage(), e);
    }
    return out;
  }

  /** IEEE 754 binary16 → binary32, exact (including subnormals, infinities and NaN). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits >>> 15) << 31;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal or zero: mant * 2^-24, exact in float32
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** float32 → bfloat16 bits with round-to-nearest-even (NaN stays NaN), as torch's {@code .to(bfloat16)}. */
  public static short floatToBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /**
   * Writes {@code tensors} (any float dtype; converted) to {@code file} in {@code dtype} (F32 or BF16), sorted by
   * name, with {@code __metadata__ = {"format": "pt"}}. Atomic ({@link AtomicFiles#write}): the bytes go to a temporary
   * sibling that is renamed onto {@code file} only when complete, so a crash never leaves a half-written file under
   * the final name, and a failure names its cause.
   */
  public static void write(Path file, Map<String, NDArray> tensors, StoredDtype dtype) {
    if (dtype == StoredDtype.F16) {
      throw new IllegalArgumentException("dtype: writing F16 is not supported (use F32 or BF16)");
    }
    TreeMap<String, NDArray> sorted = new TreeMap<>(tensors);
    ObjectNode header = MAPPER.createObjectNode();
    header.putObject("__metadata__").put("format", "pt");
    long offset = 0;
    for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", dtype.name());
      var shape = t.putArray("shape");
      for (long d : e.getValue().getShape().getShape()) {
        shape.add(d);
      }
      long len = e.getValue().size() * dtype.bytes();
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    AtomicFiles.write(file, out -> {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (NDArray a : sorted.values()) {
        float[] v = floats(a);
        ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        if (dtype == StoredDtype.F32) {
          b.asFloatBuffer().put(v);
        } else {
          for (float f : v) {
            b.putShort(floatToBf16(f));
          }
        }
        out.write(b.array());
      }
    });
  }

  private static float[] floats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }
}
