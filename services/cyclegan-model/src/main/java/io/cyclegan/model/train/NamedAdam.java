package io.cyclegan.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.cyclegan.model.nn.GradMode;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with {@code torch.optim.Adam}'s arithmetic, whose moments and step
 * counts are keyed by parameter name so that they can be saved and restored (DJL's Adam keys them
 * by per-run ids and keeps them private). One instance per parameter group.
 */
public final class NamedAdam implements AutoCloseable {

  private static final double EPSILON = 1e-8;

  private final double beta1;
  private final double beta2;
  private final NDManager manager;
  private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
  private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();
  private final Map<String, Long> steps = new HashMap<>();

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
          for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray weight = e.getValue();
            if (weight.hasGradient()) {
              update(e.getKey(), weight, lr);
            }
          }
        });
  }

  private void update(String name, NDArray weight, double lr) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray grad = weight.getGradient();
      grad.attach(scratch);
      NDArray m = firstMoments.computeIfAbsent(name, k -> zerosLike(weight));
      NDArray v = secondMoments.computeIfAbsent(name, k -> zerosLike(weight));
      long t = steps.merge(name, 1L, Long::sum);
      // torch.optim.Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
      // w -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
      m.muli(beta1).addi(grad.mul(1 - beta1));
      v.muli(beta2).addi(grad.square().muli(1 - beta2));
      double bias1 = 1 - Math.pow(beta1, t);
      double bias2 = 1 - Math.pow(beta2, t);
      NDArray denominator = owned(v.sqrt(), scratch).divi(Math.sqrt(bias2)).addi(EPSILON);
      NDArray delta = owned(m.div(denominator), scratch).muli(lr / bias1);
      weight.subi(delta);
      JniUtils.zeroGrad((PtNDArray) weight);
    }
  }

  private NDArray zerosLike(NDArray weight) {
    NDArray z = manager.zeros(weight.getShape(), weight.getDataType());
    return z;
  }

  private static NDArray owned(NDArray a, NDManager m) {
    a.attach(m);
    return a;
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
