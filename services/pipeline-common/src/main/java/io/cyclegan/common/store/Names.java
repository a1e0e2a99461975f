package io.cyclegan.common.store;

import io.cyclegan.common.trust.LogValues;
import java.util.regex.Pattern;

/**
 * Validates the names users choose for datasets, models and jobs, so that no path trick ({@code
 * ..}, {@code /}, upper case, control characters) reaches an object key.
 */
public final class Names {
  private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  // Request ids come from Kafka keys users choose (UUIDs, file names): mixed case is allowed.
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  // Principals are token names or JWT subjects: e-mail-like and colon-separated ids are common.
  private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}");

  private Names() {}

  /** A principal ({@code cg-principal}): 1-128 of letters, digits, '.', '_', '@', ':', '-'. */
  public static boolean isValidPrincipal(String principal) {
    return principal != null && PRINCIPAL.matcher(principal).matches();
  }

  public static boolean isValid(String name) {
    return name != null && VALID.matcher(name).matches() && !name.contains("..");
  }

  public static boolean isValidRequestId(String id) {
    return id != null && REQUEST_ID.matcher(id).matches() && !id.contains("..");
  }

  /**
   * Returns {@code id} when it is a valid request id ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}).
   */
  public static String requireRequestId(String id) {
    if (!isValidRequestId(id)) {
      throw new InvalidNameException(
          "request id",
          id,
          "expected 1-128 characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter or"
              + " digit, without '..'");
    }
    return id;
  }

  /**
   * Returns {@code name} when valid.
   *
   * @param kind what the name is for (dataset, model, job id), used in the error
   * @throws InvalidNameException naming the kind, the value and the rule
   */
  public static String require(String kind, String name) {
    if (!isValid(name)) {
      throw new InvalidNameException(kind, name);
    }
    return name;
  }

  /** A name that breaks the rule {@code [a-z0-9][a-z0-9._-]{0,62}} without {@code ..}. */
  public static final class InvalidNameException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidNameException(String kind, String name) {
      this(
          kind,
          name,
          "expected 1-63 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit,"
              + " without '..'");
    }

    InvalidNameException(String kind, String name, String rule) {
      super(
          "invalid "
              + kind
              + " '"
              + (name == null
                  ? ""
                  : LogValues.escape(name.length() > 80 ? name.substring(0, 80) + "..." : name))
              + "': "
              + rule);
    }
  }
}
