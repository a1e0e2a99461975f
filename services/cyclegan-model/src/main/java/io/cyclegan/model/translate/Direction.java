package io.cyclegan.model.translate;

import java.util.Locale;

/** Which generator to run: G_A maps A to B, G_B maps B to A. */
public enum Direction {
  /** A to B, with generator G_A. */
  A_TO_B("AtoB"),
  /** B to A, with generator G_B. */
  B_TO_A("BtoA");

  private final String wireName;

  Direction(String wireName) {
    this.wireName = wireName;
  }

  /** The name on the wire ({@code AtoB}, {@code BtoA}). */
  public String wireName() {
    return wireName;
  }

  /** Parses {@code AtoB} or {@code BtoA} (case-insensitive). */
  public static Direction parse(String s) {
    for (Direction d : values()) {
      if (d.wireName.toLowerCase(Locale.ROOT).equals(s == null ? "" : s.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException("direction must be AtoB or BtoA, was " + s);
  }
}
