package io.cyclegan.common.trust;

import java.util.Map;
import org.slf4j.MDC;

/**
 * Makes values that came from outside fit for a log line: control characters (CR and LF above all,
 * which would let a caller start a forged line), Unicode line and paragraph separators and
 * backslashes are escaped, and long values are cut. A value goes into the logging context ({@link
 * MDC}) only through {@link #putContext}, after it has been validated or escaped.
 */
public final class LogValues {
  /** Longer values are cut: an id is at most 128 characters, a name 63. */
  public static final int MAX_LENGTH = 200;

  private LogValues() {}

  /**
   * {@code value} with control characters escaped ({@code \n}, {@code \r}, {@code \t}, {@code
   * \u0085}...).
   */
  public static String escape(String value) {
    return escape(value, MAX_LENGTH);
  }

  /**
   * {@link #escape(String)}, cut at {@code maxLength} characters instead: for a message of ours
   * that quotes values from outside (a refused parameter's name or value) and is longer than one
   * value.
   */
  public static String escape(String value, int maxLength) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength) + 8);
    int n = Math.min(value.length(), maxLength);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    if (value.length() > maxLength) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.toString();
  }

  /** Escapes every value of {@code values} (headers, query parameters) for one log line. */
  public static String escape(Map<String, String> values) {
    StringBuilder out = new StringBuilder("{");
    values.forEach(
        (k, v) -> {
          if (out.length() > 1) {
            out.append(", ");
          }
          out.append(escape(k)).append('=').append(escape(v));
        });
    return out.append('}').toString();
  }

  /**
   * Puts an escaped {@code value} under {@code key} in the logging context; {@code null} removes
   * the key. Values that a check has already accepted (a valid request id) pass unchanged.
   */
  public static void putContext(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, escape(value));
    }
  }
}
