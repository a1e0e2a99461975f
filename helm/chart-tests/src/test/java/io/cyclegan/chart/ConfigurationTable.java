package io.cyclegan.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment variable table of docs/configuration.md, read from the markdown itself so that
 * the chart cannot drift from it: variable names per section ("Common to every service", "Ingest",
 * "Training worker", "Inference worker", "DJL").
 */
final class ConfigurationTable {

  static final Path FILE = Chart.ROOT.resolve("docs/configuration.md");

  /** Variables the images read besides the services' own configuration (docs/kubernetes.md). */
  static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

  private static final Pattern ROW = Pattern.compile("^\\|\\s*`([A-Z0-9_*]+)`\\s*\\|");
  private static final Pattern NAME = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

  private final Map<String, Set<String>> sections;

  private ConfigurationTable(Map<String, Set<String>> sections) {
    this.sections = sections;
  }

  static ConfigurationTable read() {
    List<String> lines;
    try {
      lines = Files.readAllLines(FILE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Set<String>> sections = new LinkedHashMap<>();
    String section = null;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        section = line.substring(3).trim();
        sections.put(section, new LinkedHashSet<>());
        continue;
      }
      if (section == null) {
        continue;
      }
      Matcher row = ROW.matcher(line);
      if (row.find()) {
        sections.get(section).add(row.group(1));
      } else if (section.startsWith("DJL")) {
        // The DJL section is prose, not a table: take the variable names it spells out.
        Matcher name = NAME.matcher(line);
        while (name.find()) {
          sections.get(section).add(name.group(1));
        }
      }
    }
    return new ConfigurationTable(sections);
  }

  Set<String> section(String prefix) {
    return sections.entrySet().stream()
        .filter(e -> e.getKey().startsWith(prefix))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no section starting with '"
                        + prefix
                        + "' in "
                        + FILE
                        + ": "
                        + sections.keySet()));
  }

  /** Every variable the component reads, wildcard rows (`KAFKA_*`) excluded. */
  Set<String> variablesOf(String component) {
    Set<String> names = new LinkedHashSet<>(section("Common to every service"));
    switch (component) {
      case "ingest" -> names.addAll(section("Ingest"));
      case "training" -> {
        names.addAll(section("Training worker"));
        names.addAll(section("DJL"));
      }
      case "inference" -> {
        names.addAll(section("Inference worker"));
        names.addAll(section("DJL"));
      }
      default -> throw new IllegalArgumentException(component);
    }
    names.removeIf(name -> name.endsWith("*"));
    return names;
  }

  /** Prefixes of wildcard rows, such as `KAFKA_` for `KAFKA_*`. */
  Set<String> wildcardPrefixes() {
    Set<String> prefixes = new LinkedHashSet<>();
    sections
        .values()
        .forEach(
            names ->
                names.stream()
                    .filter(n -> n.endsWith("*"))
                    .forEach(n -> prefixes.add(n.substring(0, n.length() - 1))));
    return prefixes;
  }

  /** Every name the table knows, for checking files that configure several services. */
  Set<String> allVariables() {
    Set<String> names = new LinkedHashSet<>();
    sections.values().forEach(names::addAll);
    names.removeIf(name -> name.endsWith("*"));
    return names;
  }

  boolean allows(String name) {
    return allVariables().contains(name)
        || IMAGE_VARIABLES.contains(name)
        || wildcardPrefixes().stream().anyMatch(name::startsWith);
  }
}
