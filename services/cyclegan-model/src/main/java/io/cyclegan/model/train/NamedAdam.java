package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.cyclegan.model.nn.GradMode;
import io.cyclegan.model.nn.Network;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with {@code torch.optim.Adam}'s arithmetic, whose moments and step
 * counts are keyed by parameter name so that they can be saved and restored (DJL's Adam keys them
 * by per-run ids and keeps them private). One instance per parameter group.
 *
 * <p>Each update is DJL's fused Adam kernel ({@code JniUtils.adamUpdate}, one native call) with the
 * bias corrections folded into its learning rate and epsilon. Small parameters (biases, the narrow
 * layers of small networks) are updated together: their gradients are concatenated and one fused
 * call updates their moments, which then live in one flat array per group (the per-name moments are
 * views of it), so a step costs a few dozen native operations instead of a few dozen per parameter.
 * Large parameters are updated one by one, which saves the concatenation's copy.
 */
public final class NamedAdam implements AutoCloseable {

  private static final double EPSILON = 1e-8;

  /** Parameters of at most this many elements are updated together. */
  static final long FLAT_MAX_ELEMENTS = 1L << 16;

  private final double beta1;
  private final double beta2;
  private final NDManager manager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private final Map<String, Long> steps = new HashMap<>();
  private FlatMoments flat;

  /**
   * The moments of the small parameters, concatenated in {@code names} order.
   *
   * @param names the parameters, in order
   * @param first the first moments, flat
   * @param second the second moments, flat
   */
  private record FlatMoments(List<String> names, NDArray first, NDArray second) {}

  /** Creates an optimizer whose state lives under {@code parent}. */
  public NamedAdam(NDManager parent, double beta1, double beta2) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.manager = parent.newSubManager();
  }

  /**
   * Applies one update to every parameter that has a gradient, then zeroes those gradients (the
   * PyTorch engine never does). Runs with gradient recording off.
   */
  public void step(Map<String, NDArray> parameters, double lr) {
    GradMode.withoutGradients(
        () -> {
          Map<String, NDArray> small = new LinkedHashMap<>();
          for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray weight = e.getValue();
            if (weight.hasGradient()) {
              if (weight.size() <= FLAT_MAX_ELEMENTS) {
                small.put(e.getKey(), weight);
              } else {
                update(e.getKey(), weight, lr);
              }
            }
          }
          updateTogether(small, lr);
        });
  }

  private void update(String name, NDArray weight, double lr) {
    NDArray m = firstMoments.computeIfAbsent(name, k -> zerosLike(weight));
    NDArray v = secondMoments.computeIfAbsent(name, k -> zerosLike(weight));
    long t = steps.merge(name, 1L, Long::sum);
    try (NDArray grad = weight.getGradient()) {
      fusedUpdate(weight, grad, m, v, lr, t);
    }
    JniUtils.zeroGrad((PtNDArray) weight);
    Network.parameterWritten(weight);
  }

  /**
   * One fused update of all {@code params}, which must share their step count (they do unless a
   * checkpoint said otherwise; then they are updated one by one).
   */
  private void updateTogether(Map<String, NDArray> params, double lr) {
    if (params.isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>(params.keySet());
    long t = steps.getOrDefault(names.get(0), 0L) + 1;
    for (String name : names) {
      if (steps.getOrDefault(name, 0L) + 1 != t) {
        params.forEach((k, w) -> update(k, w, lr));
        return;
      }
    }
    FlatMoments moments = flatMoments(params);
    try (NDManager scratch = manager.newSubManager()) {
      NDList grads = new NDList(params.size());
      for (NDArray w : params.values()) {
        NDArray g = w.getGradient();
        g.attach(scratch);
        grads.add(g.reshape(-1));
      }
      NDArray gradient = NDArrays.concat(grads);
      // The fused kernel subtracts the step from its "weight": from zero, that is minus the step.
      NDArray step = scratch.zeros(gradient.getShape(), gradient.getDataType());
      fusedUpdate(step, gradient, moments.first(), moments.second(), lr, t);
      long offset = 0;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray w = e.getValue();
        long size = w.size();
        w.addi(step.get(new NDIndex("{}:{}", offset, offset + size)).reshape(w.getShape()));
        offset += size;
        JniUtils.zeroGrad((PtNDArray) w);
        Network.parameterWritten(w);
        steps.put(e.getKey(), t);
      }
    }
  }

  /**
   * The flat moments for {@code params}, laid out again (from the per-name moments, zeros for new
   * names) when the set of parameters changed or a checkpoint was restored.
   */
  private FlatMoments flatMoments(Map<String, NDArray> params) {
    List<String> names = List.copyOf(params.keySet());
    if (flat != null && flat.names().equals(names)) {
      return flat;
    }
    NDArray first = concatMoments(firstMoments, params);
    NDArray second = concatMoments(secondMoments, params);
    long offset = 0;
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      long size = e.getValue().size();
      Shape shape = e.getValue().getShape();
      NDIndex range = new NDIndex("{}:{}", offset, offset + size);
      replaceWithView(firstMoments, e.getKey(), first, range, shape);
      replaceWithView(secondMoments, e.getKey(), second, range, shape);
      offset += size;
    }
    if (flat != null) {
      flat.first().close();
      flat.second().close();
    }
    flat = new FlatMoments(names, first, second);
    return flat;
  }

  private NDArray concatMoments(Map<String, NDArray> moments, Map<String, NDArray> params) {
    try (NDManager scratch = manager.newSubManager()) {
      NDList parts = new NDList(params.size());
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        NDArray m = moments.get(e.getKey());
        parts.add(m != null ? m.reshape(-1) : scratch.zeros(new Shape(e.getValue().size())));
      }
      NDArray all = NDArrays.concat(parts);
      all.attach(manager);
      return all;
    }
  }

  private void replaceWithView(
      Map<String, NDArray> moments, String name, NDArray all, NDIndex range, Shape shape) {
    NDArray view;
    try (NDArray slice = all.get(range)) {
      view = slice.reshape(shape);
    }
    view.attach(manager);
    NDArray old = moments.put(name, view);
    if (old != null) {
      old.close();
    }
  }

  private void fusedUpdate(NDArray weight, NDArray grad, NDArray m, NDArray v, double lr, long t) {
    // torch.optim.Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
    // w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
    // DJL's fused update computes w -= lrc * m / (sqrt(v) + epsc); multiplying numerator and
    // denominator by sqrt(1 - b2^t) gives the same w with lrc = lr sqrt(1 - b2^t) / (1 - b1^t)
    // and epsc = eps sqrt(1 - b2^t).
    double bias1 = 1 - Math.pow(beta1, t);
    double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    JniUtils.adamUpdate(
        (PtNDArray) weight,
        (PtNDArray) grad,
        (PtNDArray) m,
        (PtNDArray) v,
        (float) lr,
        (float) (lr * bias2Sqrt / bias1),
        0f, // weight decay
        1f, // gradient rescale
        -1f, // no gradient clipping
        (float) beta1,
        (float) beta2,
        (float) (EPSILON * bias2Sqrt),
        false);
  }

  private NDArray zerosLike(NDArray weight) {
    NDArray z = manager.zeros(weight.getShape(), weight.getDataType());
    return z;
  }

  /** First moments by parameter name. */
  public Map<String, NDArray> firstMoments() {
    return Collections.unmodifiableMap(firstMoments);
  }

  /** Second moments by parameter name. */
  public Map<String, NDArray> secondMoments() {
    return Collections.unmodifiableMap(secondMoments);
  }

  /** Update counts by parameter name. */
  public Map<String, Long> steps() {
    return Collections.unmodifiableMap(steps);
  }

  /** Replaces the state for one parameter (from a checkpoint); the arrays are copied. */
  public void restore(String name, NDArray first, NDArray second, long step) {
    replace(firstMoments, name, first);
    replace(secondMoments, name, second);
    steps.put(name, step);
    // The next step lays the flat moments out again from these.
    flat = null;
  }

  private void replace(Map<String, NDArray> map, String name, NDArray value) {
    // duplicate(): toDevice(same device, copy) returns an alias on this engine.
    NDArray copy = value.toDevice(manager.getDevice(), false).duplicate();
    copy.attach(manager);
    NDArray old = map.put(name, copy);
    if (old != null) {
      old.close();
    }
  }

  @Override
  public void close() {
    manager.close();
  }
}
