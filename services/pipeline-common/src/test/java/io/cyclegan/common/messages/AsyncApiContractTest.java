package io.cyclegan.common.messages;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the code emits validates against docs/asyncapi.yaml, so the document cannot drift. */
class AsyncApiContractTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static JsonNode asyncapi;

  private static final Map<Class<?>, String> SCHEMA_OF =
      Map.of(
          TrainingCommand.class, "TrainingCommand",
          TrainingEvent.class, "TrainingEvent",
          TranslateRequest.class, "TranslateRequest",
          TranslateResult.class, "TranslateResult",
          ModelAnnouncement.class, "ModelAnnouncement",
          DatasetEvent.class, "DatasetEvent");

  @BeforeAll
  static void readDocument() throws IOException {
    Path doc = Path.of("../../docs/asyncapi.yaml");
    asyncapi = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(doc));
  }

  static List<Message> messages() {
    return SampleMessages.all();
  }

  @Test
  void shouldDocumentEveryTopicWithItsDefaultName() {
    JsonNode channels = asyncapi.path("channels");
    List<String> addresses = new java.util.ArrayList<>();
    channels.forEach(c -> addresses.add(c.path("address").asText()));

    assertThat(addresses).containsAll(Topics.DEFAULTS.all()).contains("{topic}.dlq");
    assertThat(asyncapi.path("asyncapi").asText()).startsWith("3.");
  }

  @ParameterizedTest
  @MethodSource("messages")
  void shouldValidateEveryMessageAgainstItsDocumentedSchema(Message message) throws IOException {
    JsonNode json = JSON.readTree(MessageCodec.encode(message));

    assertThat(validate(SCHEMA_OF.get(message.getClass()), json)).isEmpty();
  }

  @Test
  void shouldRefuseADocumentThatBreaksTheSchema() throws IOException {
    ObjectNode json = (ObjectNode) JSON.readTree(MessageCodec.encode(TrainingCommand.cancel("j1")));
    json.put("jobId", "../etc");

    assertThat(validate("TrainingCommand", json)).isNotEmpty();
  }

  @Test
  void shouldValidateCloudEventHeadersOfProducedRecords() {
    ProducerRecord<byte[], byte[]> record =
        CloudEvents.record("t", "j1", TrainingEvent.of("j1", TrainingEvent.Type.started), "test");

    assertThat(validate("CloudEventHeaders", headersAsJson(record.headers()))).isEmpty();
  }

  @Test
  void shouldValidateDeadLetterHeaders() {
    ConsumerRecord<byte[], byte[]> source =
        new ConsumerRecord<>("cyclegan.images.in", 2, 41L, "k".getBytes(), "v".getBytes());
    ProducerRecord<byte[], byte[]> dlq =
        DeadLetter.of("ingest.validate", new IllegalArgumentException("bad"), source)
            .toRecord("cyclegan.images.in.dlq", source);

    assertThat(validate("DeadLetterHeaders", headersAsJson(dlq.headers()))).isEmpty();
  }

  private static Set<ValidationMessage> validate(String schemaName, JsonNode instance) {
    ObjectNode root = JSON.createObjectNode();
    root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    root.set("components", asyncapi.path("components").deepCopy());
    root.put("$ref", "#/components/schemas/" + schemaName);
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(root);
    return schema.validate(instance);
  }

  private static JsonNode headersAsJson(Iterable<Header> headers) {
    ObjectNode node = JSON.createObjectNode();
    for (Header h : headers) {
      node.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return node;
  }
}
