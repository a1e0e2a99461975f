package io.cyclegan.ingest.routing;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.trace.TraceContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One image to ingest with the headers that say what it is for, whether it came as a Kafka record
 * or an HTTP upload (which builds the same headers).
 *
 * @param key the record key (the request id when no header gives one), or {@code null}
 * @param image the untrusted bytes
 * @param headers the {@code cg-*} (and {@code content-type}) headers, last value of each, with a
 *     valid {@code traceparent} (the sender's, or a new one in place of a missing or bad one)
 * @param receivedAt when it arrived (the record timestamp for Kafka)
 * @param source the Kafka record, kept for its dead letter; {@code null} for HTTP uploads, whose
 *     caller is told of an error in the response instead
 * @param names how an HTTP upload gave each header it was built from (e.g. {@code cg-output-format}
 *     as {@code query parameter 'format'}), for the errors that name one; empty for a record
 */
public record IngestInput(
    String key,
    byte[] image,
    Map<String, String> headers,
    Instant receivedAt,
    ConsumerRecord<byte[], byte[]> source,
    Map<String, String> names) {

  public IngestInput {
    // Every input is traced from here on: the sender's traceparent when valid, else a new one.
    Map<String, String> traced = new HashMap<>(headers);
    traced.put(
        TraceContext.HEADER, TraceContext.parseOrCreate(traced.get(TraceContext.HEADER)).header());
    headers = Map.copyOf(traced);
    names = Map.copyOf(names);
  }

  /** An input whose headers are named as headers (a record's). */
  public IngestInput(
      String key,
      byte[] image,
      Map<String, String> headers,
      Instant receivedAt,
      ConsumerRecord<byte[], byte[]> source) {
    this(key, image, headers, receivedAt, source, Map.of());
  }

  /** The input's trace context (see the constructor); a record sent on uses its {@code child()}. */
  public TraceContext trace() {
    return TraceContext.parse(headers.get(TraceContext.HEADER));
  }

  public static IngestInput fromRecord(ConsumerRecord<byte[], byte[]> record) {
    Map<String, String> headers = new HashMap<>();
    for (Header h : record.headers()) {
      if (h.value() != null) {
        headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
      }
    }
    return new IngestInput(
        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
        record.value() == null ? new byte[0] : record.value(),
        headers,
        Instant.ofEpochMilli(record.timestamp()),
        record);
  }

  /**
   * An HTTP upload: no key, headers built by the API from the path and query, {@code names} saying
   * from which part of the request (see {@link #nameOf}).
   */
  public static IngestInput fromHttp(
      Map<String, String> headers, byte[] body, Map<String, String> names) {
    return new IngestInput(null, body, headers, Instant.now(), null, names);
  }

  /**
   * How the sender gave {@code header}, for an error that names it: {@code header cg-model} for a
   * record; for an HTTP upload the query parameter or path segment the API made it from.
   */
  public String nameOf(String header) {
    return names.getOrDefault(header, "header " + header);
  }

  /** The header's value, or {@code null} when absent or blank. */
  public String header(String name) {
    String v = headers.get(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  /**
   * What the sender says the bytes are: the file name ({@code cg-filename}) or else the media type
   * ({@code content-type}); the validator refuses content that contradicts it.
   */
  public String declaredFormat() {
    String filename = header(Headers.FILENAME);
    return filename != null ? filename : header(Headers.CONTENT_TYPE);
  }

  public boolean fromKafka() {
    return source != null;
  }

  /**
   * The request id of a record that names none: unpredictable (a keyed hash of its position in the
   * log, with a key this process drew at random), so nobody can guess it to overwrite or read
   * another caller's request, yet the same within this process, so that a batch processed again
   * after a store fault rewrites the same objects instead of adding new ones. A record redelivered
   * to another process gets a new id (docs/security.md).
   */
  String positionalId() {
    if (source == null) {
      return UUID.randomUUID().toString();
    }
    return RequestIds.forPosition(
        source.topic() + "/" + source.partition() + "@" + source.offset());
  }

  /** Where it came from, for log lines: {@code topic-partition@offset} or {@code http}. */
  public String origin() {
    return source == null
        ? "http"
        : source.topic() + "-" + source.partition() + "@" + source.offset();
  }
}
