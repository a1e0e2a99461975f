package io.cyclegan.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
  private final Map<String, NDArray> buffers = new LinkedHashMap<>();
  private final Map<String, NDArray> state = new LinkedHashMap<>();
  private final Set<String> normScales = new HashSet<>();
  private boolean training = true;

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

  /**
   * The tensors that are state but not parameters (batch norm's {@code running_mean}, {@code
   * running_var} and {@code num_batches_tracked}), by reference name; empty for instance norm.
   */
  public Map<String, NDArray> buffers() {
    return Collections.unmodifiableMap(buffers);
  }

  /** Parameters and buffers by reference name, in the order of the reference {@code state_dict}. */
  public Map<String, NDArray> stateDict() {
    return Collections.unmodifiableMap(state);
  }

  /**
   * Switches between training mode (batch norm normalises by the batch and updates its running
   * statistics, dropout drops) and eval mode (running statistics, no dropout), as PyTorch's {@code
   * train()} / {@code eval()}. A new network is in training mode, as in PyTorch.
   */
  public void setTraining(boolean training) {
    this.training = training;
  }

  /** Whether this network is in training mode. */
  public boolean isTraining() {
    return training;
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
    initialize(
        seed,
        (shape, random) -> {
          float[] values = new float[Math.toIntExact(shape.size())];
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * INIT_STD);
          }
          return values;
        },
        INIT_STD);
  }

  /** How a convolution weight of a given shape is drawn (the official {@code init_type}s). */
  @FunctionalInterface
  public interface WeightFill {
    /** Values for a weight of {@code shape} (PyTorch layout), drawn from {@code random}. */
    float[] values(Shape shape, SplittableRandom random);
  }

  /**
   * Fills convolution weights with {@code fill}, batch norm scales from N(1, {@code gain}) and
   * biases with zeros, from a host-side generator per weight (seeded by {@code seed} and its name)
   * so that a seed gives the same network on every device.
   */
  public void initialize(long seed, WeightFill fill, double gain) {
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray p = e.getValue();
      float[] values = new float[Math.toIntExact(p.getShape().size())];
      if (e.getKey().endsWith(".weight")) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + e.getKey().hashCode());
        if (normScales.contains(e.getKey())) {
          // The reference init_weights draws batch norm scales from N(1, init_gain), whatever
          // the init_type.
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) (1 + random.nextGaussian() * gain);
          }
        } else {
          values = fill.values(p.getShape(), random);
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
    if (values.length != shape.size()) {
      // DJL's create reads the first shape.size() values without checking.
      throw new IllegalArgumentException(
          values.length + " values do not fill an array of shape " + shape);
    }
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

  /** A convolution with or without bias (the reference drops it before batch norm). */
  protected Conv conv(
      String name, int in, int out, int kernel, int stride, int padding, boolean bias) {
    return new Conv(
        param(name + ".weight", new Shape(out, in, kernel, kernel)),
        bias ? param(name + ".bias", new Shape(out)) : null,
        stride,
        padding);
  }

  /** A transposed 3x3 stride-2 convolution; its weight keeps the reference (Cin, Cout, 3, 3). */
  protected Conv convTranspose(String name, int in, int out) {
    return convTranspose(name, in, out, true);
  }

  /** {@link #convTranspose(String, int, int)} with or without bias. */
  protected Conv convTranspose(String name, int in, int out, boolean bias) {
    return new Conv(
        param(name + ".weight", new Shape(in, out, 3, 3)),
        bias ? param(name + ".bias", new Shape(out)) : null,
        2,
        -1);
  }

  /**
   * The norm layer {@code kind} over {@code channels} at {@code name}: batch norm registers its
   * affine parameters and running statistics, the others nothing.
   */
  protected NormLayer norm(String name, Norm kind, int channels) {
    if (kind != Norm.BATCH) {
      return NormLayer.parameterFree(kind);
    }
    Shape c = new Shape(channels);
    NDArray scale = param(name + ".weight", c);
    normScales.add(name + ".weight");
    NDArray shift = param(name + ".bias", c);
    NDArray mean = buffer(name + ".running_mean", manager.zeros(c, DataType.FLOAT32));
    NDArray variance = buffer(name + ".running_var", manager.ones(c, DataType.FLOAT32));
    NDArray tracked = buffer(name + ".num_batches_tracked", manager.zeros(new Shape()));
    return NormLayer.batch(scale, shift, mean, variance, tracked);
  }

  /** Registers a trainable parameter of zeros under its reference name. */
  protected NDArray param(String name, Shape shape) {
    NDArray array = manager.zeros(shape, DataType.FLOAT32);
    array.setName(name);
    parameters.put(name, array);
    state.put(name, array);
    return array;
  }

  private NDArray buffer(String name, NDArray array) {
    array.setName(name);
    buffers.put(name, array);
    state.put(name, array);
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
   * @param bias (Cout), or null for none
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
