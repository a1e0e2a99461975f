package io.cyclegan.common.trust;

import java.util.regex.Pattern;

/**
 * Turns text that may hold internal detail into text a user may read. Used where a message of our
 * own embeds a value of uncertain origin; an exception's own text never goes to a user (it goes to
 * the log, and the user gets the reason code and a fixed message).
 */
public final class SafeMessages {
  /** URLs, IP addresses and host:port pairs, which a client library's message may carry. */
  private static final Pattern ADDRESS =
      Pattern.compile(
          "[a-zA-Z][a-zA-Z0-9+.-]*://\\S+"
              + "|/?[\\w.-]*\\d+\\.\\d+\\.\\d+\\.\\d+(:\\d+)?"
              + "|/?(?:localhost|[\\w-]+(?:\\.[\\w-]+)+):\\d{2,5}");

  private SafeMessages() {}

  /** {@code message} without addresses, control characters escaped. */
  public static String withoutAddresses(String message) {
    return LogValues.escape(ADDRESS.matcher(String.valueOf(message)).replaceAll("<address>"));
  }

  /** The message of an {@link ReasonCode#INTERNAL} error: where to look, not what happened. */
  public static String internal(String what, String id) {
    return what + " failed inside the service; its log has the detail under id " + id;
  }
}
