package io.cyclegan.model.device;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the {@code device} parameter into a DJL device. {@code auto} takes the first GPU DJL sees,
 * else the CPU; {@code gpu} and {@code gpu:N} insist, and fail with a message saying why, because a
 * missing CUDA runtime makes DJL report zero GPUs and would otherwise train on the CPU silently.
 */
public final class DeviceSelector {

  private static final Logger LOG = LoggerFactory.getLogger(DeviceSelector.class);

  private DeviceSelector() {}

  /** Every device spelling {@link #select} accepts, in any case ({@code cuda} means gpu). */
  public static final String SPEC_PATTERN = "(?i)auto|cpu|gpu|gpu:\\d+|cuda|cuda:\\d+";

  /** {@link #SPEC_PATTERN} in words, for error messages. */
  public static final String SPEC_WORDS = "auto, cpu, gpu or gpu:N";

  /** Selects with the GPU count of the default engine, and logs the choice. */
  public static Device select(String spec) {
    Engine engine = Engine.getInstance();
    Device device = select(spec, engine.getGpuCount());
    LOG.info(
        "device {} selected for '{}' (engine {} {}, {} GPU(s) visible)",
        device,
        spec,
        engine.getEngineName(),
        engine.getVersion(),
        engine.getGpuCount());
    return device;
  }

  /** Selects for a given number of visible GPUs. */
  public static Device select(String spec, int gpuCount) {
    String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT).replace("cuda", "gpu");
    if (s.equals("auto")) {
      return gpuCount > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("gpu") || s.startsWith("gpu:")) {
      int id = s.equals("gpu") ? 0 : parseId(spec, s.substring(4));
      if (gpuCount == 0) {
        throw new IllegalStateException(
            "device "
                + spec
                + " was requested but no GPU is usable: DJL sees 0 GPUs (is a CUDA build of"
                + " libtorch installed, PYTORCH_FLAVOR set, and libcudart and the driver"
                + " present?)");
      }
      if (id >= gpuCount) {
        throw new IllegalStateException(
            "device " + spec + " was requested but only " + gpuCount + " GPU(s) are visible");
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, was " + spec);
  }

  private static int parseId(String spec, String id) {
    try {
      return Integer.parseInt(id);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, was " + spec, e);
    }
  }
}
