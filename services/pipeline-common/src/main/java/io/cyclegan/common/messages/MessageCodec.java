package io.cyclegan.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one JSON codec for every message. Reading follows the open contract (docs/asyncapi.yaml,
 * "Evolution"): the schema must name the reader's message and major version (any minor version of
 * it), fields the reader does not know are ignored, so a writer may add an optional field without
 * breaking a rolling upgrade; and every error names the field it is about.
 *
 * <p>{@link #mapper()} stays strict about unknown fields: it reads documents a person writes (an
 * HTTP request body), where an unknown field is a typo to report.
 */
public final class MessageCodec {

  private static final Map<Class<? extends Message>, String> SCHEMAS =
      Map.of(
          TrainingCommand.class, TrainingCommand.SCHEMA,
          TrainingEvent.class, TrainingEvent.SCHEMA,
          TranslateRequest.class, TranslateRequest.SCHEMA,
          TranslateResult.class, TranslateResult.SCHEMA,
          ModelAnnouncement.class, ModelAnnouncement.SCHEMA,
          DatasetEvent.class, DatasetEvent.SCHEMA);

  private static final ObjectMapper MAPPER = newMapper();

  // Messages come from writers that may be a minor version ahead: unknown fields are ignored.
  private static final ObjectReader MESSAGE_READER =
      MAPPER.reader().without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** {@link #MESSAGE_READER} for each message type, made once. */
  private static final Map<Class<? extends Message>, ObjectReader> READERS =
      SCHEMAS.keySet().stream()
          .collect(Collectors.toUnmodifiableMap(t -> t, MESSAGE_READER::forType));

  private MessageCodec() {}

  /** The mapper used for messages, also fit for other JSON documents (job state, reports). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * A reader that ignores unknown fields, as message readers do: for documents that another version
   * of the pipeline may have written with fields added (a job's state, its lease, the catalog), so
   * that a rolling upgrade does not make older readers refuse them.
   */
  public static ObjectReader documentReader() {
    return MESSAGE_READER;
  }

  private static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();
  }

  public static byte[] encode(Message message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * Reads a message of the given type, checking its schema version first.
   *
   * <p>A message is read straight into its record, whose constructor checks the schema as every
   * message's does; only one that this refuses is read again as a tree, so that its error is about
   * the schema before any other field. (Reading every message as a tree and then into the record
   * took two passes over it: a fifth of the inference worker's CPU on a claim check,
   * docs/benchmarks.md.)
   */
  public static <T extends Message> T decode(byte[] json, Class<T> type) {
    if (json == null || json.length == 0) {
      throw new MessageFormatException(null, "empty message, expected a JSON object");
    }
    ObjectReader reader = READERS.get(type);
    if (reader != null) {
      try {
        T message = reader.readValue(json);
        if (message != null) {
          return message;
        }
      } catch (IOException | RuntimeException e) {
        // read again below, for the error that names the field
      }
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(null, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MessageFormatException(null, "not valid JSON: " + e.getMessage(), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new MessageFormatException(null, "expected a JSON object");
    }
    String expected = SCHEMAS.get(type);
    JsonNode schema = tree.get("schema");
    if (schema == null || schema.isNull()) {
      throw new MessageFormatException("schema", "missing required field 'schema'");
    }
    SchemaVersion.check(schema.asText(), expected);
    try {
      return (reader != null ? reader : MESSAGE_READER.forType(type)).readValue(tree);
    } catch (UnrecognizedPropertyException e) {
      throw new MessageFormatException(
          e.getPropertyName(), "unknown field '" + fieldPath(e) + "'", e);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof MessageFormatException mfe) {
        throw mfe;
      }
      throw new MessageFormatException(null, e.getOriginalMessage(), e);
    } catch (JsonMappingException e) {
      String path = fieldPath(e);
      throw new MessageFormatException(
          path.isEmpty() ? null : path,
          "bad value for field '" + path + "': " + e.getOriginalMessage(),
          e);
    } catch (JsonProcessingException e) {
      throw new MessageFormatException(null, e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MessageFormatException(null, e.getMessage(), e);
    }
  }

  public static <T extends Message> T decode(String json, Class<T> type) {
    return decode(json.getBytes(StandardCharsets.UTF_8), type);
  }

  private static String fieldPath(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
