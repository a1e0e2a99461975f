package io.cyclegan.common.messages;

/** Checks used by the message records' constructors, so every decode names the missing field. */
final class Fields {
  private Fields() {}

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new MessageFormatException(field, "missing required field '" + field + "'");
    }
    if (value instanceof String s && s.isBlank()) {
      throw new MessageFormatException(field, "field '" + field + "' must not be empty");
    }
    return value;
  }

  static void schema(String actual, String expected) {
    SchemaVersion.check(actual, expected);
  }
}
