package io.cyclegan.common.trace;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.MDC;

/**
 * A W3C trace context (https://www.w3.org/TR/trace-context/): the {@code traceparent} HTTP header,
 * carried as a Kafka header of the same name from the HTTP request or the first record through
 * ingest, inference and the result, and put in the logging context ({@code traceId}) so one request
 * can be followed across the services' logs (docs/observability.md).
 *
 * <p>A {@code traceparent} comes from outside and is untrusted: one that is not a valid version-00
 * header (or a later version's prefix of one, as the recommendation allows), or whose trace or
 * parent id is all zeros, is replaced by a new context, never refused: tracing must not fail a
 * request. Each service that sends a record on makes a child ({@link #child()}): the same trace id
 * with a span id of its own.
 *
 * @param traceId 32 lower-case hex digits, not all zero
 * @param spanId 16 lower-case hex digits, not all zero: the parent id of the next hop
 * @param flags 2 hex digits ({@code 01}: sampled)
 */
public record TraceContext(String traceId, String spanId, String flags) {

  /** The header's name, on HTTP requests and on Kafka records. */
  public static final String HEADER = "traceparent";

  /** The logging-context key holding the trace id. */
  public static final String MDC_KEY = "traceId";

  private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SPAN_ID = Pattern.compile("[0-9a-f]{16}");
  private static final Pattern FLAGS = Pattern.compile("[0-9a-f]{2}");
  private static final Pattern VERSION = Pattern.compile("[0-9a-e][0-9a-f]");
  private static final Random RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();
  private static final ThreadLocal<TraceContext> CURRENT = new ThreadLocal<>();

  public TraceContext {
    if (!valid(traceId, TRACE_ID)
        || !valid(spanId, SPAN_ID)
        || !FLAGS.matcher(flags == null ? "" : flags).matches()) {
      throw new IllegalArgumentException("not a trace context: " + traceId + "-" + spanId);
    }
  }

  /** A new trace: random trace and span ids, sampled. */
  public static TraceContext create() {
    return new TraceContext(randomHex(16), randomHex(8), "01");
  }

  /** The context {@code header} gives when it is valid, else a new one (never an error). */
  public static TraceContext parseOrCreate(String header) {
    TraceContext parsed = parse(header);
    return parsed != null ? parsed : create();
  }

  /** The context of a valid {@code traceparent} value, or {@code null}. */
  public static TraceContext parse(String header) {
    if (header == null || header.length() < 55 || header.length() > 512) {
      return null;
    }
    String version = header.substring(0, 2);
    // Version 00 is exactly 55 characters; a later version may append fields after a dash.
    boolean shapeOk =
        VERSION.matcher(version).matches()
            && (header.length() == 55 || (!version.equals("00") && header.charAt(55) == '-'))
            && header.charAt(2) == '-'
            && header.charAt(35) == '-'
            && header.charAt(52) == '-';
    if (!shapeOk) {
      return null;
    }
    String traceId = header.substring(3, 35);
    String spanId = header.substring(36, 52);
    String flags = header.substring(53, 55);
    if (!valid(traceId, TRACE_ID)
        || !valid(spanId, SPAN_ID)
        || !FLAGS.matcher(flags == null ? "" : flags).matches()) {
      return null;
    }
    // Unknown flag bits of a later version are not ours to pass on.
    String ours =
        version.equals("00") ? flags : ((Integer.parseInt(flags, 16) & 1) == 1 ? "01" : "00");
    return new TraceContext(traceId, spanId, ours);
  }

  /** The context of a record's {@code traceparent} header when valid, else a new one. */
  public static TraceContext of(ConsumerRecord<?, ?> record) {
    return parseOrCreate(headerValue(record.headers()));
  }

  /** The same trace with a new span id: what a service puts on the records it sends on. */
  public TraceContext child() {
    return new TraceContext(traceId, randomHex(8), flags);
  }

  /** The {@code traceparent} value. */
  public String header() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  /** Sets (replaces) the record's {@code traceparent} header to this context; returns it. */
  public <K, V> ProducerRecord<K, V> on(ProducerRecord<K, V> record) {
    record.headers().remove(HEADER);
    record.headers().add(HEADER, header().getBytes(StandardCharsets.UTF_8));
    return record;
  }

  /**
   * Puts the trace id into the logging context until closed, then restores what was there (so a
   * thread that serves many requests keeps none of them). Until then this context is also {@link
   * #current()} on this thread.
   */
  public InLogs inLogs() {
    return new InLogs(this);
  }

  /**
   * The context of the innermost {@link #inLogs()} still open on this thread: what a record sent
   * while handling a request or a job carries a child of, without passing it through every call.
   */
  public static Optional<TraceContext> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** The trace id in the logging context; see {@link #inLogs()}. */
  public static final class InLogs implements AutoCloseable {
    private final String previous;
    private final TraceContext previousContext;

    private InLogs(TraceContext context) {
      this.previous = MDC.get(MDC_KEY);
      this.previousContext = CURRENT.get();
      MDC.put(MDC_KEY, context.traceId());
      CURRENT.set(context);
    }

    @Override
    public void close() {
      if (previous == null) {
        MDC.remove(MDC_KEY);
      } else {
        MDC.put(MDC_KEY, previous);
      }
      if (previousContext == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previousContext);
      }
    }
  }

  private static String headerValue(Headers headers) {
    Header h = headers.lastHeader(HEADER);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static boolean valid(String value, Pattern pattern) {
    return value != null
        && pattern.matcher(value).matches()
        && !value.chars().allMatch(c -> c == '0');
  }

  private static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    do {
      RANDOM.nextBytes(b);
    } while (allZero(b));
    return HEX.formatHex(b);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }
}
