package io.cyclegan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** The documents of one `helm template` run, looked up by kind and name. */
record Manifests(String text, List<JsonNode> documents) {

  static Manifests parse(String text) {
    return new Manifests(text, Chart.readAllYaml(text));
  }

  List<JsonNode> ofKind(String kind) {
    return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
  }

  Optional<JsonNode> find(String kind, String name) {
    return ofKind(kind).stream()
        .filter(d -> name.equals(d.path("metadata").path("name").asText()))
        .findFirst();
  }

  JsonNode get(String kind, String name) {
    return find(kind, name)
        .orElseThrow(
            () -> new NoSuchElementException(kind + " " + name + " not rendered; got " + kinds()));
  }

  /** "Kind/name" of every document, in rendering order. */
  List<String> kinds() {
    return documents.stream()
        .map(d -> d.path("kind").asText() + "/" + d.path("metadata").path("name").asText())
        .toList();
  }

  /** The workloads of the three services, by component name. */
  JsonNode workload(String component) {
    String name = Chart.RELEASE + "-cyclegan-pipeline-" + component;
    return "training".equals(component) ? get("StatefulSet", name) : get("Deployment", name);
  }

  static JsonNode podSpec(JsonNode workload) {
    return workload.path("spec").path("template").path("spec");
  }

  static JsonNode container(JsonNode workload) {
    return podSpec(workload).path("containers").get(0);
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> items = new ArrayList<>();
    array.forEach(items::add);
    return items;
  }

  static List<String> fieldNames(JsonNode object) {
    return StreamSupport.stream(((Iterable<String>) object::fieldNames).spliterator(), false)
        .collect(Collectors.toList());
  }
}
