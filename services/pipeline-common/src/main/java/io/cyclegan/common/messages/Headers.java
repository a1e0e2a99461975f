package io.cyclegan.common.messages;

/** Kafka header names of the public contract, the CloudEvents binding and the dead-letter queue. */
public final class Headers {
  private Headers() {}

  // What users send with an image on cyclegan.images.in.
  public static final String PURPOSE = "cg-purpose";
  public static final String DATASET = "cg-dataset";
  public static final String DOMAIN = "cg-domain";
  public static final String MODEL = "cg-model";
  public static final String DIRECTION = "cg-direction";
  public static final String REQUEST_ID = "cg-request-id";
  public static final String MODEL_VERSION = "cg-model-version";
  public static final String REPLY_TOPIC = "cg-reply-topic";

  /** Optional: how the output is encoded, {@code png} (the default) or {@code jpeg}. */
  public static final String OUTPUT_FORMAT = "cg-output-format";

  /**
   * Who sent a command or request: the authenticated principal (an API token's name, a JWT subject)
   * that ingest's HTTP API sets on what it produces. Recorded with a published model version and
   * checked against {@code CYCLEGAN_MODEL_PUBLISHERS}. Only trustworthy where only ingest may write
   * the command topic (docs/security.md).
   */
  public static final String PRINCIPAL = "cg-principal";

  /** Optional: the file name the image came from, reported back in errors. */
  public static final String FILENAME = "cg-filename";

  public static final String PURPOSE_TRANSLATE = "translate";
  public static final String PURPOSE_DATASET = "dataset";

  // CloudEvents 1.0 Kafka protocol binding, binary content mode.
  public static final String CE_ID = "ce_id";
  public static final String CE_TYPE = "ce_type";
  public static final String CE_SOURCE = "ce_source";
  public static final String CE_SPECVERSION = "ce_specversion";
  public static final String CE_TIME = "ce_time";
  public static final String CONTENT_TYPE = "content-type";

  // Dead-letter records, modelled on Kafka Connect's __connect.errors.* headers.
  public static final String ERROR_STAGE = "cg-error-stage";
  public static final String ERROR_CLASS = "cg-error-class";
  public static final String ERROR_MESSAGE = "cg-error-message";
  public static final String SOURCE_TOPIC = "cg-source-topic";
  public static final String SOURCE_PARTITION = "cg-source-partition";
  public static final String SOURCE_OFFSET = "cg-source-offset";
  public static final String ERROR_TIME = "cg-error-time";

  /**
   * On a dead letter whose original value was too big to send with its headers: the object key in
   * the bucket where the value was put instead.
   */
  public static final String DEAD_LETTER_VALUE_KEY = "cg-dead-letter-value-key";

  /** On a dead letter sent without its value and with no copy in the store: why, and the size. */
  public static final String DEAD_LETTER_VALUE_DROPPED = "cg-dead-letter-value-dropped";
}
