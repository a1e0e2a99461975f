package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.interop.ModelImport;
import io.cyclegan.model.interop.PthReader;
import io.cyclegan.model.interop.SafeTensors;
import io.cyclegan.model.interop.StateDict;
import io.cyclegan.model.interop.StateDictFiles;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /models/{name}/versions/{version}/export}: a version published in the store (as an
 * import publishes it, from the PyTorch fixtures of cyclegan-model) comes back over HTTP as the
 * official state_dict, in both formats, tensor for tensor.
 */
@ExtendWith(LocalStackExtension.class)
class ModelExportIT {
  private static final Path FIXTURES = Path.of("../cyclegan-model/src/test/resources/interop");

  private static IngestService service;
  private static ObjectStore store;
  private static HttpClient http;
  private static String model;
  private static StateDict a2b;
  private static StateDict b2a;

  @BeforeAll
  static void start(LocalStack stack) throws Exception {
    String topic = "it.export.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-export-it-" + id()),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    a2b = PthReader.read(FIXTURES.resolve("generator.pth"));
    b2a = SafeTensors.read(FIXTURES.resolve("generator.safetensors")).stateDict();
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    ModelImport.of(a2b, b2a).write(archive, 32, Map.of());
    model = "it-export-" + id();
    store.put(
        ObjectKeys.modelGenerators(model, "v1"), archive.toByteArray(), "application/octet-stream");
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  @Test
  void shouldExportEachGeneratorInBothFormatsTensorForTensor(@TempDir Path tmp) throws Exception {
    for (String format : new String[] {"pth", "safetensors"}) {
      for (String direction : new String[] {"AtoB", "BtoA"}) {
        String net = direction.equals("AtoB") ? "G_A" : "G_B";
        HttpResponse<byte[]> r =
            get(
                "/models/"
                    + model
                    + "/versions/v1/export?format="
                    + format
                    + "&direction="
                    + direction);

        assertThat(r.statusCode()).as(format + " " + direction).isEqualTo(200);
        String file = "latest_net_" + net + "." + format;
        assertThat(r.headers().firstValue("Content-Disposition"))
            .hasValue("attachment; filename=\"" + file + "\"");
        Path saved = tmp.resolve(file);
        Files.write(saved, r.body());
        StateDictFiles.Read back = StateDictFiles.read(saved);
        assertThat(back.format().extension()).isEqualTo(format);
        StateDict original = direction.equals("AtoB") ? a2b : b2a;
        assertThat(back.stateDict().tensors().keySet())
            .containsExactlyElementsOf(original.tensors().keySet());
        for (Map.Entry<String, HostTensor> e : original.tensors().entrySet()) {
          HostTensor t = back.stateDict().tensors().get(e.getKey());
          assertThat(Arrays.equals(t.data(), e.getValue().data()))
              .as(file + " " + e.getKey())
              .isTrue();
        }
      }
    }
  }

  @Test
  void shouldAnswerAProblemForAnUnknownModelOrVersionOrABadFormatOrName() throws Exception {
    assertError(get("/models/" + model + "/versions/v9/export?format=pth"), 404, "NOT_FOUND");
    assertError(get("/models/nobody-" + id() + "/versions/v1/export?format=pth"), 404, "NOT_FOUND");
    assertError(get("/models/" + model + "/versions/v1/export?format=onnx"), 400, "INVALID_FORMAT");
    assertError(get("/models/" + model + "/versions/v1/export"), 400, "INVALID_FORMAT");
    assertError(
        get("/models/" + model + "/versions/v1/export?format=pth&direction=sideways"),
        400,
        "INVALID_DIRECTION");
    assertError(get("/models/Not-A-Name/versions/v1/export?format=pth"), 400, "INVALID_MODEL");
    assertError(get("/models/" + model + "/versions/V1/export?format=pth"), 400, "INVALID_VERSION");
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String reason)
      throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = MessageCodec.mapper().readTree(response.body());
    assertThat(body.get("reason").asText()).isEqualTo(reason);
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
