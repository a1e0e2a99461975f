package io.cyclegan.model.train;

import io.cyclegan.model.Choice;

/**
 * How fresh weights are drawn ({@code init_type} of the official {@code networks.init_weights}).
 */
public enum InitType implements Choice {
  /** N(0, initGain). */
  NORMAL,
  /** Xavier (Glorot) normal with gain initGain. */
  XAVIER,
  /** Kaiming (He) normal, fan-in, a = 0. */
  KAIMING,
  /** A (semi-)orthogonal matrix times initGain. */
  ORTHOGONAL;

  @Override
  public String wireName() {
    return Choice.wireNameOf(this);
  }
}
