package io.cyclegan.common.trust;

/**
 * Machine-readable reasons of the refusals the services share (docs/security.md, "Reason codes").
 * An error a user sees starts with its code ({@code INPUT_KEY_OUTSIDE_REQUEST: ...}) and carries it
 * in the message's {@code reason} field; the rest of the message is safe to show: it names the rule
 * broken and the value given, never a host, an endpoint, a bucket or a stack trace.
 *
 * <p>Ingest's header and image checks keep their own codes ({@code RejectReason}); these are the
 * refusals of claim checks, reply topics, request ids and model publication.
 */
public enum ReasonCode {
  /** The claim check is not a readable {@code cyclegan.translate.request/v1} document. */
  BAD_CLAIM_CHECK,
  /** The claim check's {@code inputKey} lies outside {@code requests/<requestId>/}. */
  INPUT_KEY_OUTSIDE_REQUEST,
  /** The claim check names a bucket other than the pipeline's. */
  FOREIGN_BUCKET,
  /** The input object is larger than the request limit; refused before it is read. */
  INPUT_TOO_LARGE,
  /** The input object does not exist. */
  INPUT_NOT_FOUND,
  /** The input object is not an image the worker can decode. */
  UNREADABLE_INPUT,
  /** The reply topic is not on the allow-list, or is a topic of the pipeline itself. */
  REPLY_TOPIC_NOT_ALLOWED,
  /** The request id is already taken by a request with other bytes. */
  REQUEST_ID_CONFLICT,
  /** No such model, or no such version of it. */
  UNKNOWN_MODEL,
  /** The model's files could not be loaded. */
  MODEL_LOAD_FAILED,
  /** The request waited out a store or broker outage until its deadline. */
  DEADLINE_EXCEEDED,
  /** The principal that started the job may not publish the model. */
  PUBLISHER_NOT_ALLOWED,
  /**
   * The message's {@code schema} names another major version than the reader's: its fields may mean
   * something else, so it is refused rather than guessed at (docs/asyncapi.yaml, "Evolution").
   */
  UNSUPPORTED_SCHEMA_VERSION,
  /** Anything else: the detail is in the service's log, under the request or job id. */
  INTERNAL;

  /** {@code CODE: message}, as it appears in an error result, a failed event or a dead letter. */
  public String describe(String safeMessage) {
    return name() + ": " + safeMessage;
  }
}
