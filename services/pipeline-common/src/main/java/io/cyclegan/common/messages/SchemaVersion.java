package io.cyclegan.common.messages;

import io.cyclegan.common.trust.LogValues;
import io.cyclegan.common.trust.ReasonCode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The evolution rule of the message contract (docs/asyncapi.yaml, "Evolution"): a schema is {@code
 * <name>/v<major>}, optionally {@code /v<major>.<minor>}. Within one major version writers only add
 * optional fields, so a reader takes any minor version of its major and ignores fields it does not
 * know; another major version is refused with {@link ReasonCode#UNSUPPORTED_SCHEMA_VERSION}, since
 * its fields may mean something else.
 */
final class SchemaVersion {
  private static final Pattern FORM = Pattern.compile("(.+)/v(\\d{1,9})(?:\\.(\\d{1,9}))?");

  private SchemaVersion() {}

  /** Accepts {@code actual} when it names the same message and major version as {@code ours}. */
  static void check(String actual, String ours) {
    Fields.required(actual, "schema");
    if (ours.equals(actual)) {
      return;
    }
    Matcher mine = FORM.matcher(ours);
    Matcher theirs = FORM.matcher(actual);
    if (!mine.matches()) {
      throw new IllegalStateException("schema constant not of the form <name>/v<major>: " + ours);
    }
    if (!theirs.matches() || !theirs.group(1).equals(mine.group(1))) {
      throw new MessageFormatException(
          "schema",
          "unsupported schema '" + LogValues.escape(actual) + "', expected '" + ours + "'");
    }
    if (!theirs.group(2).equals(mine.group(2))) {
      throw new MessageFormatException(
          "schema",
          ReasonCode.UNSUPPORTED_SCHEMA_VERSION.describe(
              "schema '"
                  + LogValues.escape(actual)
                  + "' is major version "
                  + theirs.group(2)
                  + "; this reader reads major version "
                  + mine.group(2)
                  + " ('"
                  + ours
                  + "') and any minor version of it"),
          ReasonCode.UNSUPPORTED_SCHEMA_VERSION);
    }
  }
}
