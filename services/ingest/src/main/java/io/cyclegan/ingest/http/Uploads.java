package io.cyclegan.ingest.http;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.ingest.routing.BatchResult;
import io.cyclegan.ingest.routing.IngestInput;
import io.cyclegan.ingest.routing.IngestProcessor;
import io.cyclegan.ingest.routing.Outcome;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One uploaded image through the {@link IngestProcessor}, as a Kafka record with these headers
 * would go: answered once its outputs are durable, or refused with the matching HTTP error.
 */
final class Uploads {
  /** How long an upload waits out a store fault at most before it is answered 503. */
  static final Duration STORE_WAIT = Duration.ofSeconds(10);

  private static final int MAX_FILENAME_CHARS = 255;

  private final IngestProcessor processor;
  private final Duration requestTimeout;

  Uploads(IngestProcessor processor, Duration requestTimeout) {
    this.processor = processor;
    this.requestTimeout = requestTimeout;
  }

  /** The store wait: {@link #STORE_WAIT}, or the request timeout when that is shorter. */
  Duration storeWait() {
    return requestTimeout.compareTo(STORE_WAIT) < 0 ? requestTimeout : STORE_WAIT;
  }

  /**
   * @param names how the request gave each routing header, for the error of a refusal ({@link
   *     IngestInput#nameOf})
   */
  Outcome ingestOne(Map<String, String> headers, byte[] body, Map<String, String> names) {
    BatchResult result =
        processor
            .process(IngestInput.fromHttp(headers, body, names), Instant.now().plus(storeWait()))
            .awaitDurable(requestTimeout);
    Outcome outcome = result.outcomes().get(0);
    if (outcome instanceof Outcome.Rejected r) {
      throw ApiException.of(r.error());
    }
    return outcome;
  }

  /** What the upload declares: {@code ?filename=} and the Content-Type (when not generic). */
  static Map<String, String> declared(Context ctx, String contentType) {
    Map<String, String> out = new HashMap<>();
    String filename = ctx.queryParam("filename");
    if (filename != null) {
      if (filename.length() > MAX_FILENAME_CHARS
          || filename
              .chars()
              .anyMatch(c -> Character.isISOControl(c) || c == 0x2028 || c == 0x2029)) {
        throw ApiException.badRequest(
            "INVALID_FILENAME",
            "query parameter 'filename' must be at most "
                + MAX_FILENAME_CHARS
                + " characters without control characters or line breaks");
      }
      out.put(Headers.FILENAME, filename);
    }
    if (contentType != null && contentType.startsWith("image/")) {
      out.put(Headers.CONTENT_TYPE, contentType);
    }
    return out;
  }
}
