package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** values.yaml documents every value with a `## @param` line, and the schema knows each one. */
class ValuesDocumentationTest {

  private static final Pattern PARAM = Pattern.compile("^\\s*## @param (\\S+) (.+)$");

  @Test
  void shouldDocumentEveryValueWhenReadingValuesYaml() throws IOException {
    Set<String> params = params();
    List<String> leaves = new ArrayList<>();
    collectLeaves("", Chart.readYaml(Chart.CHART.resolve("values.yaml")), leaves);

    assertThat(leaves)
        .isNotEmpty()
        .allSatisfy(
            leaf ->
                assertThat(params)
                    .as("a `## @param` line documenting %s (or an object above it)", leaf)
                    .anyMatch(p -> leaf.equals(p) || leaf.startsWith(p + ".")));
  }

  @Test
  void shouldDocumentOnlyValuesThatExistWhenReadingValuesYaml() throws IOException {
    JsonNode values = Chart.readYaml(Chart.CHART.resolve("values.yaml"));

    assertThat(params())
        .allSatisfy(
            p ->
                assertThat(values.at("/" + p.replace(".", "/")).isMissingNode())
                    .as("@param %s names no value", p)
                    .isFalse());
  }

  @Test
  void shouldListEveryValueInTheKubernetesGuideWhenReadingIt() throws IOException {
    String guide = Files.readString(Chart.ROOT.resolve("docs/kubernetes.md"));

    assertThat(params())
        .allSatisfy(
            p ->
                assertThat(guide).as("docs/kubernetes.md lists %s", p).contains("| `" + p + "` |"));
  }

  @Test
  void shouldCloseEverySchemaObjectWhenReadingTheSchema() {
    JsonNode schema = Chart.readYaml(Chart.CHART.resolve("values.schema.json"));
    List<String> open = new ArrayList<>();
    collectOpenObjects("(root)", schema, open);
    schema
        .path("definitions")
        .fields()
        .forEachRemaining(d -> collectOpenObjects(d.getKey(), d.getValue(), open));

    assertThat(open)
        .as("objects with properties but without additionalProperties false or required")
        .isEmpty();
  }

  private static Set<String> params() throws IOException {
    Set<String> params = new TreeSet<>();
    for (String line : Files.readAllLines(Chart.CHART.resolve("values.yaml"))) {
      Matcher m = PARAM.matcher(line);
      if (m.matches()) {
        params.add(m.group(1));
      }
    }
    return params;
  }

  private static void collectLeaves(String path, JsonNode node, List<String> leaves) {
    if (node.isObject() && node.size() > 0) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        collectLeaves(
            path.isEmpty() ? field.getKey() : path + "." + field.getKey(),
            field.getValue(),
            leaves);
      }
    } else {
      leaves.add(path);
    }
  }

  /** Schema objects that list properties but accept unknown ones or require none. */
  private static void collectOpenObjects(String path, JsonNode node, List<String> open) {
    JsonNode properties = node.path("properties");
    if (properties.isObject()) {
      boolean closed =
          node.path("additionalProperties").isBoolean()
              && !node.path("additionalProperties").asBoolean();
      // Objects whose keys are all optional by design: Kubernetes' resources, and overrides
      // laid over chart-wide defaults (probes). global is a parent chart's, so stays open.
      boolean allOptional =
          path.endsWith("resources") || path.endsWith(".probes") || path.equals("probeOverride");
      if (path.equals("(root).global")) {
        return;
      }
      if (!closed || (node.path("required").isEmpty() && !allOptional)) {
        open.add(path);
      }
      properties
          .fields()
          .forEachRemaining(p -> collectOpenObjects(path + "." + p.getKey(), p.getValue(), open));
    }
    if (node.path("items").isObject()) {
      collectOpenObjects(path + "[]", node.path("items"), open);
    }
  }
}
