package io.cyclegan.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cyclegan.model.TrainingParameter;
import io.cyclegan.model.TrainingParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The documents that repeat the training parameters - the AsyncAPI schema, the chart's device
 * pattern and docs/training-parameters.md - say what {@link TrainingParameters} says. A failure
 * prints the text to paste.
 */
class TrainingParametersDocsTest {
  private static final Path ROOT = Path.of("../..");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void shouldDocumentTheTableAsTheAsyncApiTrainingParamsSchema() throws IOException {
    JsonNode doc = YAML.readTree(Files.readAllBytes(ROOT.resolve("docs/asyncapi.yaml")));
    JsonNode documented = doc.path("components").path("schemas").path("TrainingParams");
    Map<String, Object> expected = TrainingParameters.jsonSchema();

    assertThat(documented)
        .as("docs/asyncapi.yaml TrainingParams; expected:%n%s", asYaml(expected))
        .isEqualTo(JSON.readTree(JSON.writeValueAsString(expected)));
  }

  @Test
  void shouldGiveTheChartTheDevicePatternTheCodeAccepts() throws IOException {
    JsonNode schema =
        JSON.readTree(
            Files.readAllBytes(ROOT.resolve("helm/cyclegan-pipeline/values.schema.json")));
    TrainingParameter device = TrainingParameters.byName("device").orElseThrow();

    assertThat(schema.path("definitions").path("device").path("pattern").asText())
        .isEqualTo(device.jsonSchema("auto").get("pattern"));
  }

  @Test
  void shouldKeepTheDocsTableCurrent() throws IOException {
    String doc = Files.readString(ROOT.resolve("docs/training-parameters.md"));
    String begin = "<!-- table: generated from TrainingParameters -->\n";
    String end = "<!-- end of table -->";
    int from = doc.indexOf(begin);
    int to = doc.indexOf(end);
    assertThat(from).as("marker %s", begin.strip()).isNotNegative();
    assertThat(to).as("marker %s", end).isGreaterThan(from);

    assertThat(doc.substring(from + begin.length(), to))
        .isEqualTo(TrainingParameters.markdownTable());
  }

  /** One flow mapping per parameter, as docs/asyncapi.yaml writes them. */
  private static String asYaml(Map<String, Object> schema) throws IOException {
    StringBuilder out = new StringBuilder();
    @SuppressWarnings("unchecked")
    Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
    for (Map.Entry<String, Object> e : properties.entrySet()) {
      out.append("        ")
          .append(e.getKey())
          .append(": ")
          .append(JSON.writeValueAsString(e.getValue()))
          .append('\n');
    }
    return out.toString();
  }
}
