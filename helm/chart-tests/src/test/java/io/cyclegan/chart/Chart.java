package io.cyclegan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The chart under test: renders it with helm-java (Helm in-process, no binary, no network). */
final class Chart {

  static final Path ROOT = findRepositoryRoot();
  static final Path CHART = ROOT.resolve("helm/cyclegan-pipeline");
  static final String RELEASE = "cg";
  static final String NAMESPACE = "pipeline";

  private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private Chart() {}

  /** Renders with the default values plus one ci values file (null for none) and overrides. */
  static Manifests render(String ciValuesFile, Map<String, Object> overrides) {
    TemplateCommand template =
        new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (ciValuesFile != null) {
      template = template.withValuesFile(CHART.resolve("ci").resolve(ciValuesFile));
    }
    for (Map.Entry<String, Object> entry : overrides.entrySet()) {
      template = template.set(entry.getKey(), entry.getValue());
    }
    return Manifests.parse(template.call());
  }

  /** Renders with one ci values file (null for none), once per test run. */
  static Manifests render(String ciValuesFile) {
    return CACHE.computeIfAbsent(
        ciValuesFile == null ? "" : ciValuesFile, f -> render(ciValuesFile, Map.of()));
  }

  /**
   * Every values set the chart is tested with: {@code null} for the defaults, then each file of the
   * chart's {@code ci/} folder by name.
   */
  static Stream<String> valuesSets() {
    try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
      List<String> names = new ArrayList<>();
      names.add(null);
      files.map(f -> f.getFileName().toString()).sorted().forEach(names::add);
      return names.stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Manifests renderDefaults() {
    return render(null);
  }

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String toJson(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> readAllYaml(String text) {
    List<JsonNode> documents = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(text)) {
      var iterator = YAML.readValues(parser, JsonNode.class);
      while (iterator.hasNext()) {
        JsonNode document = iterator.next();
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return documents;
  }

  private static Path findRepositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      if (Files.isDirectory(dir.resolve("helm/cyclegan-pipeline"))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "helm/cyclegan-pipeline not found above " + Path.of("").toAbsolutePath());
  }
}
