package dev.align4j.policies.llama;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.align4j.core.InvalidConfigException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where and in which precision a model runs: the one place recipes and commands turn {@code "device"}
 * ({@code cpu}, {@code gpu}, {@code gpu:N}) and {@code "dtype"} ({@code fp32}, {@code bf16}, {@code fp16}) into a
 * DJL device. fp16/bf16 compute is a GPU path: on CPU it is rejected here (weights stored in bf16/fp16 still load,
 * widened to fp32). {@link #djlDevice()} fails with a clear message when a GPU is asked for and no CUDA device (or
 * not that many) is visible to DJL — it never falls back to the CPU.
 *
 * @param device CPU or GPU
 * @param dtype the compute dtype
 * @param gpuIndex which CUDA device ({@code gpu:N}); 0 for {@code gpu} and for the CPU
 */
public record LoadOptions(ComputeDevice device, ComputeDtype dtype, int gpuIndex) {
  private static final Pattern DEVICE = Pattern.compile("(cpu|gpu)(?::(\\d{1,3}))?");

  public LoadOptions {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(dtype, "dtype");
    if (device == ComputeDevice.CPU && dtype != ComputeDtype.FP32) {
      throw new InvalidConfigException("dtype", dtype.name().toLowerCase(Locale.ROOT)
          + ": fp16/bf16 compute is a GPU path; on CPU use fp32 (weights stored in bf16/fp16 are loaded and "
          + "computed in fp32)");
    }
    if (gpuIndex < 0 || (device == ComputeDevice.CPU && gpuIndex != 0)) {
      throw new InvalidConfigException("device", "a device index belongs to a GPU (gpu:N, N >= 0), got "
          + gpuIndex);
    }
  }

  /** The first GPU when {@code device} is GPU. */
  public LoadOptions(ComputeDevice device, ComputeDtype dtype) {
    this(device, dtype, 0);
  }

  /** fp32 on the CPU. */
  public static LoadOptions cpu() {
    return new LoadOptions(ComputeDevice.CPU, ComputeDtype.FP32);
  }

  /**
   * Parses the config/CLI spelling: device {@code cpu | gpu | gpu:N}, dtype {@code fp32 | bf16 | fp16}; errors are
   * {@link InvalidConfigException}s on field {@code device} or {@code dtype}.
   */
  public static LoadOptions parse(String device, String dtype) {
    Matcher m = DEVICE.matcher(device == null ? "" : device);
    if (!m.matches()) {
      throw new InvalidConfigException("device", "must be cpu, gpu or gpu:N (got '" + device + "')");
    }
    ComputeDevice d = m.group(1).equals("cpu") ? ComputeDevice.CPU : ComputeDevice.GPU;
    if (d == ComputeDevice.CPU && m.group(2) != null) {
      throw new InvalidConfigException("device", "cpu takes no index (got '" + device + "')");
    }
    ComputeDtype t = switch (dtype == null ? "" : dtype) {
      case "fp32" -> ComputeDtype.FP32;
      case "bf16" -> ComputeDtype.BF16;
      case "fp16" -> ComputeDtype.FP16;
      default -> throw new InvalidConfigException("dtype", "must be fp32, bf16 or fp16 (got '" + dtype + "')");
    };
    return new LoadOptions(d, t, m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
  }

  /** The config spelling of the device: {@code cpu}, {@code gpu:N}. */
  public String deviceName() {
    return device == ComputeDevice.CPU ? "cpu" : "gpu:" + gpuIndex;
  }

  /** The config spelling of the dtype: {@code fp32}, {@code bf16}, {@code fp16}. */
  public String dtypeName() {
    return dtype.name().toLowerCase(Locale.ROOT);
  }

  /** The DJL device, checking that the GPU asked for is visible (never a silent fallback to the CPU). */
  public Device djlDevice() {
    if (device == ComputeDevice.CPU) {
      return Device.cpu();
    }
    int gpus = Engine.getInstance().getGpuCount();
    if (gpus < 1) {
      throw new InvalidConfigException("device", deviceName() + ": no CUDA device is visible to DJL's PyTorch "
          + "engine (Engine.getGpuCount() = 0); use cpu, or run where a GPU and a CUDA build of libtorch exist "
          + "(docs/GPU.md)");
    }
    if (gpuIndex >= gpus) {
      throw new InvalidConfigException("device", deviceName() + ": only " + gpus + " CUDA device(s) visible");
    }
    return Device.gpu(gpuIndex);
  }
}
