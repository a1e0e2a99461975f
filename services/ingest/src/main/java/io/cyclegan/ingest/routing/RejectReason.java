package io.cyclegan.ingest.routing;

import io.cyclegan.common.image.ImageRejectedException;

/**
 * Why an input was refused: one value per distinct problem, so that a dead letter, an error result
 * and an HTTP error each say exactly which check failed. The name is the machine-readable prefix of
 * every error message ({@code INVALID_DATASET: ...}).
 */
public enum RejectReason {
  MISSING_PURPOSE(Stage.HEADERS),
  UNKNOWN_PURPOSE(Stage.HEADERS),
  MISSING_DATASET(Stage.HEADERS),
  INVALID_DATASET(Stage.HEADERS),
  MISSING_DOMAIN(Stage.HEADERS),
  INVALID_DOMAIN(Stage.HEADERS),
  MISSING_MODEL(Stage.HEADERS),
  INVALID_MODEL(Stage.HEADERS),
  INVALID_MODEL_VERSION(Stage.HEADERS),
  INVALID_DIRECTION(Stage.HEADERS),
  /** A {@code cg-output-format} other than {@code png} or {@code jpeg}. */
  INVALID_OUTPUT_FORMAT(Stage.HEADERS),
  INVALID_REQUEST_ID(Stage.HEADERS),
  INVALID_REPLY_TOPIC(Stage.HEADERS),
  /**
   * A reply topic not on the allow-list ({@code CYCLEGAN_REPLY_TOPICS}) or one of the pipeline's
   * own topics; the error result goes to the results topic.
   */
  REPLY_TOPIC_NOT_ALLOWED(Stage.HEADERS),
  /** The request id is taken by a request whose input had other bytes (docs/security.md). */
  REQUEST_ID_CONFLICT(Stage.STORE),
  /** A zip entry whose path leaves the archive ({@code ../x.png}, {@code /etc/x.png}). */
  UNSAFE_PATH(Stage.HEADERS),
  EMPTY(Stage.VALIDATE),
  TOO_LARGE(Stage.VALIDATE),
  TEXT_NOT_IMAGE(Stage.VALIDATE),
  UNKNOWN_FORMAT(Stage.VALIDATE),
  UNSUPPORTED_FORMAT(Stage.VALIDATE),
  FORMAT_MISMATCH(Stage.VALIDATE),
  TOO_MANY_PIXELS(Stage.VALIDATE),
  TRUNCATED(Stage.VALIDATE),
  CORRUPT(Stage.VALIDATE),
  /**
   * The validator itself failed on these bytes. Dead-lettered rather than retried: a record that
   * crashes the decoder would otherwise block its partition forever.
   */
  UNEXPECTED(Stage.VALIDATE);

  /** The dead-letter stage names ({@code cg-error-stage}). */
  public static final class Stage {
    public static final String HEADERS = "ingest.headers";
    public static final String VALIDATE = "ingest.validate";
    public static final String STORE = "ingest.store";

    private Stage() {}
  }

  private final String stage;

  RejectReason(String stage) {
    this.stage = stage;
  }

  /**
   * The pipeline stage that refused the input, {@code ingest.headers}, {@code ingest.validate} or
   * {@code ingest.store}.
   */
  public String stage() {
    return stage;
  }

  public static RejectReason of(ImageRejectedException.Reason reason) {
    return valueOf(reason.name());
  }
}
