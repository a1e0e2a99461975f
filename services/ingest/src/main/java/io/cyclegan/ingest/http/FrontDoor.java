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
 * @param idleTimeout the longest a connection may stay silent ({@code
 *     CYCLEGAN_HTTP_IDLE_TIMEOUT_SECONDS}): between requests on a kept-alive connection, and within
 *     one while its headers or body stall
 * @param requestTimeout the longest a request waits for Kafka's acknowledgement or the store once
 *     its body is read ({@code CYCLEGAN_HTTP_REQUEST_TIMEOUT_SECONDS}); past it, 503 with a {@code
 *     Retry-After}
 */
public record FrontDoor(
    int workers,
    int queue,
    Duration readTimeout,
    Duration queueWait,
    Duration idleTimeout,
    Duration requestTimeout) {
  public static final int DEFAULT_WORKERS = 4;
  public static final int DEFAULT_QUEUE = 16;
  public static final int DEFAULT_READ_TIMEOUT_SECONDS = 60;
  public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 30;
  public static final int DEFAULT_REQUEST_TIMEOUT_SECONDS = 30;
  public static final Duration QUEUE_WAIT = Duration.ofSeconds(30);

  public FrontDoor {
    if (workers < 1
        || queue < 0
        || !positive(readTimeout)
        || !positive(idleTimeout)
        || !positive(requestTimeout)) {
      throw new IllegalArgumentException(
          "expected workers >= 1, queue >= 0 and positive timeouts, got "
              + workers
              + ", "
              + queue
              + ", "
              + readTimeout
              + ", "
              + idleTimeout
              + ", "
              + requestTimeout);
    }
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }
}
