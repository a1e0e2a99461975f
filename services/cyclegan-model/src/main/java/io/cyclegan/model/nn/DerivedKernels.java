package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Arrays derived from a weight (the transposed convolution's phase kernels, a trained ragged
 * convolution's filters with zero filters added), made once per weight update instead of once per
 * forward.
 *
 * <ul>
 *   <li>While a graph is recorded for the weight (training), the derived arrays must be part of
 *       that graph so that gradients reach the weight: they are made in the caller's manager (the
 *       step's), and reused by every forward of the step in that manager, e.g. the three forwards
 *       of one generator in a CycleGAN step.
 *   <li>Otherwise (inference, evaluation) they are made without a graph in the weight's own
 *       manager, and live as long as the network, so a served model makes them once.
 * </ul>
 *
 * <p>A weight written in place makes its derived arrays stale. Whoever writes a parameter in place
 * calls {@link Network#parameterWritten} (the optimizer after its update, {@link Network#assign} on
 * load), which drops them; they are rebuilt on next use.
 */
final class DerivedKernels {

  private static final Map<String, Entry> CACHE = new HashMap<>();

  private record Entry(NDManager owner, NDArray array) {
    boolean livesIn(NDManager manager) {
      return owner == manager && !array.isReleased();
    }
  }

  private DerivedKernels() {}

  /** Drops what was derived from {@code weight}, which was just written. */
  static void invalidate(NDArray weight) {
    synchronized (CACHE) {
      Entry e = CACHE.remove(weight.getUid());
      if (e != null && e.livesIn(weight.getManager())) {
        // Writing a weight while another thread runs a forward with it is already a race.
        e.array.close();
      }
    }
  }

  /**
   * The arrays {@code derive} makes from {@code weight}, from the cache when the weight has not
   * changed since and they live in the right manager.
   *
   * @param weight the parameter
   * @param callerManager the manager of the forward's input
   * @param derive makes the array from the weight, attaching it and every intermediate to the
   *     manager it is given
   */
  static NDArray get(
      NDArray weight, NDManager callerManager, BiFunction<NDArray, NDManager, NDArray> derive) {
    boolean recording = JniUtils.isGradMode() && JniUtils.requiresGrad((PtNDArray) weight);
    NDManager owner = recording ? callerManager : weight.getManager();
    synchronized (CACHE) {
      String key = weight.getUid();
      Entry e = CACHE.get(key);
      if (e != null && e.livesIn(owner)) {
        return e.array;
      }
      // An entry in a step's manager dies with the step. One in the weight's own manager (a
      // forward without a graph: a sample between training steps) would stay there until the
      // network closes once the cache no longer reaches it; libtorch
      // keeps the tensor alive for any graph that still uses it.
      if (e != null && e.livesIn(weight.getManager())) {
        e.array.close();
      }
      NDArray array;
      // Intermediates die with the scratch manager; the graph keeps what backward needs.
      try (NDManager scratch = owner.newSubManager()) {
        array =
            recording
                ? derive.apply(weight, scratch)
                : GradMode.withoutGradients(() -> derive.apply(weight, scratch));
        array.attach(owner);
      }
      if (CACHE.size() > 1024) {
        dropReleased();
      }
      CACHE.put(key, new Entry(owner, array));
      return array;
    }
  }

  private static void dropReleased() {
    for (Iterator<Entry> it = CACHE.values().iterator(); it.hasNext(); ) {
      if (it.next().array.isReleased()) {
        it.remove();
      }
    }
  }
}
