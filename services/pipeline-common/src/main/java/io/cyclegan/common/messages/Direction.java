package io.cyclegan.common.messages;

/** Which generator translates: domain A to B or B to A. */
public enum Direction {
  AtoB,
  BtoA;

  /** Parses the header or JSON value, naming the accepted values when it is neither. */
  public static Direction parse(String value) {
    for (Direction d : values()) {
      if (d.name().equals(value)) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "direction '" + value + "' is not one of " + java.util.Arrays.toString(values()));
  }
}
