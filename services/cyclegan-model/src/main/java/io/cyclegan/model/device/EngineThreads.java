package io.cyclegan.model.device;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Map;
import java.util.Properties;

/**
 * libtorch's intra-op thread count (PyTorch's {@code torch.set_num_threads}), set from the thread
 * that runs the model. libtorch keeps the count per calling thread (OpenMP's {@code nthreads}
 * control variable) and also as the default for threads that have not run an operation yet, so
 * setting it on the model thread itself is what takes effect; {@code ai.djl.pytorch.num_threads}
 * applies only to the thread that starts the engine and to the threads started after it.
 *
 * <p>libtorch's own choice is one thread per physical core of the machine in the process's CPU set.
 * It does not see a CPU quota: a container limited to 2 CPUs on a 64-core node would run 32 or 64
 * threads that the quota then throttles. {@link #fitToProcessors} lowers the count to the JVM's
 * available processors, which do count the quota.
 */
public final class EngineThreads {
  /** Where an operator chooses the count: libtorch reads the first two, DJL the property. */
  static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

  static final String MKL_NUM_THREADS = "MKL_NUM_THREADS";
  static final String DJL_NUM_THREADS = "ai.djl.pytorch.num_threads";

  private EngineThreads() {}

  /** The intra-op thread count of the calling thread. */
  public static int intraOp() {
    Engine.getEngine("PyTorch"); // loads libtorch before its first native call
    return JniUtils.getNumThreads();
  }

  /**
   * Sets the intra-op thread count of the calling thread (and libtorch's default for threads that
   * have not run an operation yet); {@code threads} of 0 leaves libtorch's choice as it is.
   */
  public static void useIntraOp(int threads) {
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0, was " + threads);
    }
    if (threads > 0) {
      Engine.getEngine("PyTorch");
      JniUtils.setNumThreads(threads);
    }
  }

  /**
   * Lowers the calling thread's intra-op count to the processors this JVM may use (its CPU set and
   * CPU quota, {@link Runtime#availableProcessors}), unless an operator chose a count ({@code
   * OMP_NUM_THREADS}, {@code MKL_NUM_THREADS} or {@code -Dai.djl.pytorch.num_threads}). Never
   * raises it.
   *
   * @return the count now in effect on the calling thread
   */
  public static int fitToProcessors() {
    return fit(Runtime.getRuntime().availableProcessors(), operatorChose());
  }

  /** {@link #fitToProcessors} for a given processor count and choice. */
  static int fit(int processors, boolean operatorChose) {
    if (processors < 1) {
      throw new IllegalArgumentException("processors must be >= 1, was " + processors);
    }
    int current = intraOp();
    if (operatorChose || current <= processors) {
      return current;
    }
    JniUtils.setNumThreads(processors);
    return processors;
  }

  /**
   * Whether an operator chose libtorch's thread count: {@code OMP_NUM_THREADS} or {@code
   * MKL_NUM_THREADS} in the environment, or {@code -Dai.djl.pytorch.num_threads}.
   */
  public static boolean operatorChose() {
    return operatorChose(System.getenv(), System.getProperties());
  }

  /** Whether the environment or the system properties set libtorch's thread count. */
  static boolean operatorChose(Map<String, String> env, Properties properties) {
    return isSet(env.get(OMP_NUM_THREADS))
        || isSet(env.get(MKL_NUM_THREADS))
        || isSet(properties.getProperty(DJL_NUM_THREADS));
  }

  private static boolean isSet(String value) {
    return value != null && !value.isBlank();
  }
}
