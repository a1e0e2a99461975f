package io.cyclegan.model.device;

import ai.djl.Device;
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
 *
 * <p>A small training step is bound by the cost of each operation, not by arithmetic, and on the
 * CPU handing each operation's work to a second thread costs more than it saves: {@link
 * #forTrainingSteps} runs small steps on one thread.
 */
public final class EngineThreads {
  /** Where an operator chooses the count: libtorch reads the first two, DJL the property. */
  static final String OMP_NUM_THREADS = "OMP_NUM_THREADS";

  static final String MKL_NUM_THREADS = "MKL_NUM_THREADS";
  static final String DJL_NUM_THREADS = "ai.djl.pytorch.num_threads";

  /**
   * Training steps on the CPU of fewer FLOPs than this ({@code FlopCount.trainingStepFlops}, the
   * batch included) run on one intra-op thread where libgomp's threads sleep between operations
   * ({@code OMP_WAIT_POLICY=passive}, as the images, {@code cyclegan up} and the tests set): waking
   * the second thread for each operation costs more than it saves. On a 2-vCPU Intel Xeon one
   * thread was 3 times faster than two at 0.24 GFLOP, 1.3 times at 22 and as fast at 48
   * (docs/benchmarks.md, "Training threads by step size"); the bound keeps a margin below that.
   */
  public static final double ONE_THREAD_BELOW_STEP_FLOPS_SLEEPING = 16e9;

  /**
   * The same bound where libgomp's threads spin before they sleep (its default, or {@code
   * GOMP_SPINCOUNT} above 0): two threads were 7% faster than one at 5.8 GFLOP, one thread 6-20%
   * faster at 0.24.
   */
  public static final double ONE_THREAD_BELOW_STEP_FLOPS_SPINNING = 1e9;

  static final String OMP_WAIT_POLICY = "OMP_WAIT_POLICY";
  static final String GOMP_SPINCOUNT = "GOMP_SPINCOUNT";

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
   * Sets the calling thread's intra-op count for training steps of {@code stepFlops} on {@code
   * device}: one thread for a step on the CPU under {@link #ONE_THREAD_BELOW_STEP_FLOPS_SLEEPING}
   * (or {@link #ONE_THREAD_BELOW_STEP_FLOPS_SPINNING} where libgomp's threads spin), else {@link
   * #fitToProcessors}; an operator's choice stays. Closing the scope puts back the count it found,
   * which matters because setting it also sets libtorch's default for threads that have not run an
   * operation yet: without that, a small job would leave one thread to every later job of the
   * process ({@link #fit} never raises a count).
   */
  public static Scope forTrainingSteps(Device device, double stepFlops) {
    return forTrainingSteps(
        device,
        stepFlops,
        Runtime.getRuntime().availableProcessors(),
        operatorChose(),
        threadsSleep(System.getenv()));
  }

  /** {@link #forTrainingSteps(Device, double)} for a given processor count, choice and waits. */
  static Scope forTrainingSteps(
      Device device,
      double stepFlops,
      int processors,
      boolean operatorChose,
      boolean threadsSleep) {
    int found = intraOp();
    double oneThreadBelow =
        threadsSleep ? ONE_THREAD_BELOW_STEP_FLOPS_SLEEPING : ONE_THREAD_BELOW_STEP_FLOPS_SPINNING;
    int threads;
    if (!operatorChose && !device.isGpu() && stepFlops < oneThreadBelow) {
      JniUtils.setNumThreads(1);
      threads = 1;
    } else {
      threads = fit(processors, operatorChose);
    }
    return new Scope(threads, found);
  }

  /**
   * Whether libgomp's threads sleep as soon as they wait: {@code GOMP_SPINCOUNT} of 0, or no {@code
   * GOMP_SPINCOUNT} (which takes precedence) and {@code OMP_WAIT_POLICY=passive}.
   */
  static boolean threadsSleep(Map<String, String> env) {
    String spin = env.get(GOMP_SPINCOUNT);
    if (isSet(spin)) {
      return spin.strip().equals("0");
    }
    String policy = env.get(OMP_WAIT_POLICY);
    return policy != null && policy.strip().equalsIgnoreCase("passive");
  }

  /** The intra-op count {@link #forTrainingSteps} set, until {@link #close} puts back the old. */
  public static final class Scope implements AutoCloseable {
    private final int threads;
    private final int found;

    private Scope(int threads, int found) {
      this.threads = threads;
      this.found = found;
    }

    /** The count in effect on the thread that opened the scope. */
    public int threads() {
      return threads;
    }

    /** Puts back the count found on the calling thread (the one that opened the scope). */
    @Override
    public void close() {
      if (threads != found) {
        JniUtils.setNumThreads(found);
      }
    }
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
