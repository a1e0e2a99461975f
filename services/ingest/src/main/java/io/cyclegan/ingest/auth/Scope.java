package io.cyclegan.ingest.auth;

import java.util.Locale;
import java.util.Optional;

/** What a caller of the HTTP API may do; {@link #ADMIN} implies every other scope. */
public enum Scope {
  /** Read datasets, models, results and job states. */
  READ,
  /** Submit translations. */
  TRANSLATE,
  /** Upload images to datasets. */
  UPLOAD,
  /** Start and cancel training jobs. */
  TRAIN,
  /** Everything. */
  ADMIN;

  /** The lower-case name used in token files, JWT claims and docs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The scope named {@code label} (case-insensitive), or empty for a name that is not one. */
  public static Optional<Scope> parse(String label) {
    for (Scope s : values()) {
      if (s.label().equalsIgnoreCase(label.trim())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
