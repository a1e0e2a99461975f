package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A network as a forward function over named parameters. Names follow the reference PyTorch {@code
 * state_dict} ({@code model.1.weight}, {@code model.10.conv_block.5.bias}), so a reader of the
 * reference code finds every tensor, and checkpoints can be keyed by them.
 *
 * <p>The parameters live in this network's own manager; {@link #forward} attaches everything it
 * creates to the input's manager. Not thread-safe while training; concurrent forwards without
 * gradients are fine.
 */
public abstract class Network implements AutoCloseable {

  /** Standard deviation of the reference {@code init_weights(init_type='normal')}. */
  public static final double INIT_STD = 0.02;

  private final NDManager manager;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();

  protected Network(NDManager parent, String name) {
    this.manager = parent.newSubManager();
    this.manager.setName(name);
  }

  /** Runs the network on an NCHW batch. */
  public abstract NDArray forward(NDArray x);

  /** The parameters by reference name, in registration (= reference) order. */
  public Map<String, NDArray> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /** The number of scalar parameters. */
  public long parameterCount() {
    return parameters.values().stream().mapToLong(a -> a.getShape().size()).sum();
  }

  /**
   * Fills weights from N(0, 0.02) and biases with zeros, as the reference does, from a host-side
   * generator so that a seed gives the same network on every device.
   */
  public void initialize(long seed) {
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      float[] values = new float[Math.toIntExact(p.getShape().size())];
      if (e.getKey().endsWith(".weight")) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + e.getKey().hashCode());
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (random.nextGaussian() * INIT_STD);
        }
      }
      assign(p, values);
    }
  }

  /**
   * Copies host values into a parameter in place, keeping its storage native. DJL's {@code
   * NDArray.set(float[])} instead re-points the tensor at a Java direct buffer kept alive only by
   * the wrapper, which we saw make training nondeterministic (a generator stopped learning in some
   * runs); an in-place add of a temporary leaves libtorch owning the memory.
   */
  public static void assign(NDArray target, float[] values) {
    GradMode.withoutGradients(
        () -> {
          try (NDManager scratch = target.getManager().newSubManager()) {
            NDArray source = scratch.create(values, target.getShape());
            target.muli(0).addi(source);
          }
        });
    parameterWritten(target);
  }

  /**
   * Tells the layers that {@code parameter} was written in place, so that arrays derived from it
   * (the transposed convolution's phase kernels) are made again. Every in-place writer of a
   * parameter calls it: {@link #assign}, the optimizer.
   */
  public static void parameterWritten(NDArray parameter) {
    DerivedKernels.invalidate(parameter);
  }

  /**
   * Turns gradient tracking of all parameters on or off. Off is how a network is frozen: the
   * PyTorch engine never zeroes gradients itself, so a frozen network must not collect any.
   */
  public void setTrainable(boolean trainable) {
    for (NDArray p : parameters.values()) {
      p.setRequiresGradient(trainable);
    }
  }

  /**
   * Copies host values into a new array of {@code manager} whose memory libtorch owns (see {@link
   * #assign} for why not DJL's aliasing {@code create}).
   */
  public static NDArray upload(NDManager manager, float[] values, Shape shape) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray owned = scratch.create(values, shape).duplicate();
      owned.attach(manager);
      return owned;
    }
  }

  /** The manager that owns the parameters. */
  public NDManager manager() {
    return manager;
  }

  protected Conv conv(String name, int in, int out, int kernel, int stride, int padding) {
    return new Conv(
        param(name + ".weight", new Shape(out, in, kernel, kernel)),
        param(name + ".bias", new Shape(out)),
        stride,
        padding);
  }

  /** A transposed 3x3 stride-2 convolution; its weight keeps the reference (Cin, Cout, 3, 3). */
  protected Conv convTranspose(String name, int in, int out) {
    return new Conv(
        param(name + ".weight", new Shape(in, out, 3, 3)),
        param(name + ".bias", new Shape(out)),
        2,
        -1);
  }

  private NDArray param(String name, Shape shape) {
    NDArray array = manager.zeros(shape, DataType.FLOAT32);
    array.setName(name);
    parameters.put(name, array);
    return array;
  }

  @Override
  public void close() {
    manager.close();
  }

  /**
   * One convolution's parameters; {@code padding} -1 marks the transposed 3x3 stride-2 layer.
   *
   * @param weight (Cout, Cin, k, k), or (Cin, Cout, 3, 3) when transposed
   * @param bias (Cout)
   * @param stride the stride
   * @param padding zero padding, or -1 for the transposed layer
   */
  protected record Conv(NDArray weight, NDArray bias, int stride, int padding) {
    NDArray forward(NDArray x) {
      return padding < 0
          ? Layers.convTranspose3x3Stride2(x, weight, bias)
          : Layers.conv2d(x, weight, bias, stride, padding);
    }
  }
}
