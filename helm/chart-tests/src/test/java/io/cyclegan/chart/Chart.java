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
  private static final Map<Boolean, Path> COPIES = new ConcurrentHashMap<>();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT);

  private Chart() {}

  /** Renders with the default values plus one ci values file (null for none) and overrides. */
  static Manifests render(String ciValuesFile, Map<String, Object> overrides) {
    return render(renderable(false), ciValuesFile, overrides);
  }

  private static Manifests render(Path chart, String ciValuesFile, Map<String, Object> overrides) {
    TemplateCommand template =
        new Helm(chart).template().withName(RELEASE).withNamespace(NAMESPACE);
    if (ciValuesFile != null) {
      template = template.withValuesFile(CHART.resolve("ci").resolve(ciValuesFile));
    }
    for (Map.Entry<String, Object> entry : overrides.entrySet()) {
      template = template.set(entry.getKey(), entry.getValue());
    }
    return Manifests.parse(template.call());
  }

  /**
   * Renders with Helm hooks as ordinary resources: helm-java's template leaves hooks out, so this
   * renders a copy of the chart with its {@code helm.sh/hook:} annotation lines taken out.
   */
  static Manifests renderWithHooks(String ciValuesFile, Map<String, Object> overrides) {
    return render(renderable(true), ciValuesFile, overrides);
  }

  /**
   * The chart as helm-java can render it: helm-java 0.0.15 renders and lints as Kubernetes v1.20.0
   * and cannot be told another version, so the copy leaves out Chart.yaml's kubeVersion (which
   * ChartMetadataTest checks against the APIs the templates use); with {@code hookless}, the hook
   * annotations too.
   */
  static synchronized Path renderable(boolean hookless) {
    return COPIES.computeIfAbsent(hookless, Chart::copy);
  }

  private static Path copy(boolean hookless) {
    try {
      Path copy = Files.createTempDirectory("chart").resolve(CHART.getFileName());
      try (Stream<Path> files = Files.walk(CHART)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = copy.resolve(CHART.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else if (file.equals(CHART.resolve("Chart.yaml"))) {
            Files.write(target, without(file, "kubeVersion:"));
          } else if (hookless && file.startsWith(CHART.resolve("templates"))) {
            Files.write(target, without(file, "helm.sh/hook:"));
          } else {
            Files.copy(file, target);
          }
        }
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(copy.getParent())));
      return copy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind
    }
  }

  private static List<String> without(Path file, String prefix) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.strip().startsWith(prefix)).toList();
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
