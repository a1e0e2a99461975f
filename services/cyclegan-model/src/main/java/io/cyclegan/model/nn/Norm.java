package io.cyclegan.model.nn;

import io.cyclegan.model.Choice;
import java.util.Arrays;
import java.util.Locale;

/**
 * The reference {@code --norm} choices, as its {@code get_norm_layer} defines them. The reference
 * gives convolutions followed by a norm a bias only for instance norm ({@code use_bias}), so {@code
 * none} means bias-free convolutions there too.
 */
public enum Norm implements Choice {
  /** {@code InstanceNorm2d(affine=False, track_running_stats=False)}: no parameters. */
  INSTANCE,
  /** {@code BatchNorm2d(affine=True, track_running_stats=True)}: scale, shift, running stats. */
  BATCH,
  /** An identity (the reference's {@code Identity} module). */
  NONE;

  /** The reference's name ({@code instance}, {@code batch}, {@code none}). */
  @Override
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether convolutions followed by this norm carry a bias (the reference's {@code use_bias}). */
  public boolean convolutionBias() {
    return this == INSTANCE;
  }

  /** Parses a reference name, naming the accepted ones when it is none of them. */
  public static Norm fromWireName(String name) {
    for (Norm n : values()) {
      if (n.wireName().equals(name)) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        "norm must be one of "
            + Arrays.stream(values()).map(Norm::wireName).toList()
            + ", was "
            + name);
  }
}
