package io.cyclegan.ingest.http;

import java.time.Duration;

/**
 * The bounds of the HTTP API (docs/http-api.md, "Limits").
 *
 * @param workers requests served at once ({@code CYCLEGAN_HTTP_WORKERS}); each may hold a body of
 *     up to {@code CYCLEGAN_MAX_UPLOAD_BYTES} in memory
 * @param queue requests that may wait for a worker ({@code CYCLEGAN_HTTP_QUEUE}); beyond it a
 *     request is answered 429 with a {@code Retry-After}
 * @param readTimeout the time a request's body may take to arrive ({@code
 *     CYCLEGAN_HTTP_READ_TIMEOUT_SECONDS}); a slower client's connection is closed
 * @param queueWait the longest a queued request waits for a worker before it is answered 429
 */
public record FrontDoor(int workers, int queue, Duration readTimeout, Duration queueWait) {
  public static final int DEFAULT_WORKERS = 4;
  public static final int DEFAULT_QUEUE = 16;
  public static final int DEFAULT_READ_TIMEOUT_SECONDS = 60;
  public static final Duration QUEUE_WAIT = Duration.ofSeconds(30);

  public FrontDoor {
    if (workers < 1 || queue < 0 || readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException(
          "expected workers >= 1, queue >= 0 and a positive read timeout, got " + this);
    }
  }
}
