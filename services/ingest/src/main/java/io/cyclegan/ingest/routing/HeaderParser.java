package io.cyclegan.ingest.routing;

import io.cyclegan.common.messages.Direction;
import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.messages.OutputFormat;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.common.trust.ReplyTopics;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the public contract's {@code cg-*} headers (DESIGN.md, "The public contract") into a {@link
 * Route}, refusing each problem with its own {@link RejectReason} and the header named.
 */
public final class HeaderParser {
  // Kafka's own rule for topic names.
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private final Topics topics;
  private final ReplyTopics replyTopics;

  /** With the default allow-list of reply topics ({@value ReplyTopics#DEFAULT_PATTERNS}). */
  public HeaderParser(Topics topics) {
    this(topics, new ReplyTopics(topics, ReplyTopics.DEFAULT_PATTERNS));
  }

  /**
   * @param replyTopics the allow-list: a reply topic is written by ingest and the inference worker
   *     with the service's rights, so a caller may never aim results at a topic the pipeline reads
   */
  public HeaderParser(Topics topics, ReplyTopics replyTopics) {
    this.topics = topics;
    this.replyTopics = replyTopics;
  }

  /** The route of a valid input, or a {@link RejectedInputException} naming the bad header. */
  public Route parse(IngestInput in) {
    String purpose = in.header(Headers.PURPOSE);
    if (purpose == null) {
      throw new RejectedInputException(
          RejectReason.MISSING_PURPOSE,
          "missing header "
              + Headers.PURPOSE
              + ": expected '"
              + Headers.PURPOSE_DATASET
              + "' or '"
              + Headers.PURPOSE_TRANSLATE
              + "'");
    }
    return switch (purpose) {
      case Headers.PURPOSE_DATASET -> dataset(in);
      case Headers.PURPOSE_TRANSLATE -> translate(in);
      default ->
          throw new RejectedInputException(
              RejectReason.UNKNOWN_PURPOSE,
              "header "
                  + Headers.PURPOSE
                  + " is '"
                  + LogValues.escape(shorten(purpose))
                  + "': expected '"
                  + Headers.PURPOSE_DATASET
                  + "' or '"
                  + Headers.PURPOSE_TRANSLATE
                  + "'");
    };
  }

  /** The dataset and domain headers alone, also used to check a zip upload once, up front. */
  public Route.Dataset dataset(IngestInput in) {
    String dataset = in.header(Headers.DATASET);
    if (dataset == null) {
      throw new RejectedInputException(
          RejectReason.MISSING_DATASET,
          "missing " + in.nameOf(Headers.DATASET) + ": the dataset the image belongs to");
    }
    if (!Names.isValid(dataset)) {
      throw new RejectedInputException(
          RejectReason.INVALID_DATASET,
          in.nameOf(Headers.DATASET) + ": " + invalid("dataset", dataset));
    }
    String domain = in.header(Headers.DOMAIN);
    if (domain == null) {
      throw new RejectedInputException(
          RejectReason.MISSING_DOMAIN,
          "missing " + in.nameOf(Headers.DOMAIN) + ": expected 'A' or 'B'");
    }
    if (!"A".equals(domain) && !"B".equals(domain)) {
      throw new RejectedInputException(
          RejectReason.INVALID_DOMAIN,
          in.nameOf(Headers.DOMAIN)
              + " is '"
              + LogValues.escape(shorten(domain))
              + "': expected 'A' or 'B'");
    }
    return new Route.Dataset(dataset, domain);
  }

  private Route.Translate translate(IngestInput in) {
    String requestId = requestId(in);
    if (!Names.isValidRequestId(requestId)) {
      throw new RejectedInputException(
          RejectReason.INVALID_REQUEST_ID,
          (in.header(Headers.REQUEST_ID) != null ? in.nameOf(Headers.REQUEST_ID) : "record key")
              + ": "
              + invalidRequestId(requestId));
    }
    String model = in.header(Headers.MODEL);
    if (model == null) {
      throw new RejectedInputException(
          RejectReason.MISSING_MODEL,
          "missing " + in.nameOf(Headers.MODEL) + ": the model to translate with");
    }
    if (!Names.isValid(model)) {
      throw new RejectedInputException(
          RejectReason.INVALID_MODEL, in.nameOf(Headers.MODEL) + ": " + invalid("model", model));
    }
    String version = in.header(Headers.MODEL_VERSION);
    if (version != null && !Names.isValid(version)) {
      throw new RejectedInputException(
          RejectReason.INVALID_MODEL_VERSION,
          in.nameOf(Headers.MODEL_VERSION) + ": " + invalid("model version", version));
    }
    Direction direction = direction(in);
    String replyTopic = in.header(Headers.REPLY_TOPIC);
    if (replyTopic != null) {
      checkReplyTopic(replyTopic);
    }
    return new Route.Translate(requestId, model, version, direction, replyTopic, outputFormat(in));
  }

  private static OutputFormat outputFormat(IngestInput in) {
    return choice(
        in,
        Headers.OUTPUT_FORMAT,
        OutputFormat.png,
        OutputFormat::parse,
        RejectReason.INVALID_OUTPUT_FORMAT,
        "'png' or 'jpeg'");
  }

  private static Direction direction(IngestInput in) {
    return choice(
        in,
        Headers.DIRECTION,
        Direction.AtoB,
        Direction::parse,
        RejectReason.INVALID_DIRECTION,
        "'AtoB' or 'BtoA'");
  }

  /** An optional header with a few accepted values: {@code absent} when not given. */
  private static <T> T choice(
      IngestInput in,
      String header,
      T absent,
      Function<String, T> parse,
      RejectReason reason,
      String expected) {
    String value = in.header(header);
    if (value == null) {
      return absent;
    }
    try {
      return parse.apply(value);
    } catch (IllegalArgumentException e) {
      throw new RejectedInputException(
          reason,
          in.nameOf(header)
              + " is '"
              + LogValues.escape(shorten(value))
              + "': expected "
              + expected);
    }
  }

  private void checkReplyTopic(String topic) {
    if (!TOPIC.matcher(topic).matches() || ".".equals(topic) || "..".equals(topic)) {
      throw new RejectedInputException(
          RejectReason.INVALID_REPLY_TOPIC,
          "header "
              + Headers.REPLY_TOPIC
              + " is '"
              + LogValues.escape(shorten(topic))
              + "': expected a Kafka topic name (1-249 of a-z, A-Z, 0-9, '.', '_', '-')");
    }
    replyTopics
        .refusal(topic)
        .ifPresent(
            why -> {
              throw new RejectedInputException(
                  RejectReason.REPLY_TOPIC_NOT_ALLOWED,
                  "header " + Headers.REPLY_TOPIC + ": " + why);
            });
  }

  /** The request id: the header, else the record key, else one derived from the record. */
  static String requestId(IngestInput in) {
    String header = in.header(Headers.REQUEST_ID);
    if (header != null) {
      return header;
    }
    return in.key() != null && !in.key().isBlank() ? in.key() : in.positionalId();
  }

  /**
   * How to answer the input if it is a translation request that gets refused; empty for any other
   * purpose (a dataset image or an unreadable record has no caller waiting on a result).
   */
  public Optional<Reply> reply(IngestInput in) {
    if (!Headers.PURPOSE_TRANSLATE.equals(in.header(Headers.PURPOSE))) {
      return Optional.empty();
    }
    String topic = in.header(Headers.REPLY_TOPIC);
    try {
      if (topic != null) {
        checkReplyTopic(topic);
      }
    } catch (RejectedInputException e) {
      topic = null;
    }
    Direction direction;
    try {
      direction = direction(in);
    } catch (RejectedInputException e) {
      direction = null;
    }
    return Optional.of(
        new Reply(
            requestId(in),
            topic == null ? topics.translateResults() : topic,
            in.header(Headers.MODEL),
            direction));
  }

  private static String invalid(String kind, String value) {
    try {
      Names.require(kind, value);
      return "invalid " + kind; // unreachable: callers checked isValid first
    } catch (Names.InvalidNameException e) {
      return e.getMessage();
    }
  }

  private static String invalidRequestId(String value) {
    try {
      Names.requireRequestId(value);
      return "invalid request id";
    } catch (Names.InvalidNameException e) {
      return e.getMessage();
    }
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }
}
