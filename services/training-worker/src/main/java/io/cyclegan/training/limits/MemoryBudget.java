package io.cyclegan.training.limits;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.cyclegan.common.config.Env;
import io.cyclegan.model.device.DeviceSelector;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much memory a job's activations may take on this worker: {@code
 * CYCLEGAN_TRAINING_MEMORY_BUDGET_MB} when set, else the memory of the worker's device ({@code
 * CYCLEGAN_DEVICE}): a GPU's own memory, or on the CPU the host's (the container's limit, which the
 * JVM reports) less the JVM's maximum heap, since libtorch allocates outside the heap. Worked out
 * once, on first use; a command's own {@code params.device} does not change it.
 */
public final class MemoryBudget {
  private static final Logger log = LoggerFactory.getLogger(MemoryBudget.class);

  public static final String VARIABLE = "CYCLEGAN_TRAINING_MEMORY_BUDGET_MB";

  private final long configuredMb;
  private final String deviceSpec;
  private volatile Long bytes;
  private volatile String source;

  /**
   * @param configuredMb the budget in MiB, or 0 for the device's memory
   * @param deviceSpec the worker's device, as {@code CYCLEGAN_DEVICE}
   */
  public MemoryBudget(long configuredMb, String deviceSpec) {
    this.configuredMb = configuredMb;
    this.deviceSpec = deviceSpec.toLowerCase(Locale.ROOT);
  }

  static MemoryBudget fromEnv(Env env) {
    return new MemoryBudget(
        env.longValue(VARIABLE, 0, 0, Long.MAX_VALUE >> 20), env.string("CYCLEGAN_DEVICE", "auto"));
  }

  /** The budget in bytes. */
  public long bytes() {
    if (bytes == null) {
      resolve();
    }
    return bytes;
  }

  /** Where the budget comes from, for messages: the variable, or the device it was read from. */
  public String describe() {
    if (source == null) {
      resolve();
    }
    return source;
  }

  private synchronized void resolve() {
    if (bytes != null) {
      return;
    }
    if (configuredMb > 0) {
      source = VARIABLE;
      bytes = configuredMb << 20;
      return;
    }
    long found = -1;
    String from = null;
    if (!"cpu".equals(deviceSpec)) {
      try {
        Device device = DeviceSelector.select(deviceSpec);
        if (device.isGpu()) {
          found = CudaUtils.getGpuMemory(device).getMax();
          from = "memory of " + device;
        }
      } catch (RuntimeException e) {
        log.warn("cannot read the memory of device {}: {}", deviceSpec, e.toString());
      }
    }
    if (found <= 0) {
      long host =
          ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
              .getTotalMemorySize();
      found = Math.max(0, host - Runtime.getRuntime().maxMemory());
      from = "host memory less the JVM heap";
    }
    source = from + "; " + VARIABLE + " sets it";
    bytes = found;
    log.info("training memory budget {} MiB ({})", found >> 20, source);
  }
}
