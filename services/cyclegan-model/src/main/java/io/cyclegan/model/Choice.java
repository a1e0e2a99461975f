package io.cyclegan.model;

/**
 * A training parameter's value from a closed list, spelled on the wire as the official code does.
 */
public interface Choice {

  /** The spelling in commands, checkpoints and docs ({@code lsgan}, {@code resize_and_crop}). */
  String wireName();

  /** Why this value is refused although the official code has it, or null when it is accepted. */
  default String refusal() {
    return null;
  }

  /** The wire spelling of an enum constant: its name in lower case. */
  static String wireNameOf(Enum<?> constant) {
    return constant.name().toLowerCase(java.util.Locale.ROOT);
  }
}
