package io.cyclegan.model.nn;

import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * libtorch's thread-local gradient mode. DJL turns it off only on the thread that starts the
 * engine, and a {@code GradientCollector} leaves it on when it found it on, so code that must not
 * record a graph (optimizer updates in place on leaf tensors, inference) sets it explicitly.
 */
public final class GradMode {

  private GradMode() {}

  /** Runs {@code body} with gradient recording off on this thread, restoring the mode after. */
  public static <T> T withoutGradients(Supplier<T> body) {
    boolean previous = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return body.get();
    } finally {
      JniUtils.setGradMode(previous);
    }
  }

  /** Runs {@code body} with gradient recording off on this thread, restoring the mode after. */
  public static void withoutGradients(Runnable body) {
    withoutGradients(
        () -> {
          body.run();
          return null;
        });
  }
}
