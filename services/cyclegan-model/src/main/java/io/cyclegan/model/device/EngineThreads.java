package io.cyclegan.model.device;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's intra-op thread count (PyTorch's {@code torch.set_num_threads}), set from the thread
 * that runs the model. libtorch keeps the count per calling thread (OpenMP's {@code nthreads}
 * control variable) and also as the default for threads that have not run an operation yet, so
 * setting it on the model thread itself is what takes effect; {@code ai.djl.pytorch.num_threads}
 * applies only to the thread that starts the engine and to the threads started after it.
 */
public final class EngineThreads {
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
}
