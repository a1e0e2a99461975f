package io.cyclegan.chart;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chart's README, generated as helm-docs and Bitnami's readme-generator do: one table per
 * {@code ## @section} of values.yaml, one row per {@code ## @param}, with the default read from the
 * values themselves, placed into README.template.md with Chart.yaml's fields.
 */
final class ChartReadme {
  private static final Pattern SECTION = Pattern.compile("^## @section (.+)$");
  private static final Pattern PARAM = Pattern.compile("^\\s*## @param (\\S+) (.+)$");
  private static final Pattern NOTE = Pattern.compile("^## (?!@)(.*)$");
  private static final int LONGEST_INLINE_DEFAULT = 60;

  private ChartReadme() {}

  static String generate(Path chart) {
    try {
      JsonNode meta = Chart.readYaml(chart.resolve("Chart.yaml"));
      return Files.readString(chart.resolve("README.template.md"))
          .replace("{{description}}", meta.path("description").asText().strip())
          .replace("{{version}}", meta.path("version").asText())
          .replace("{{appVersion}}", meta.path("appVersion").asText())
          .replace("{{kubeVersion}}", meta.path("kubeVersion").asText())
          .replace("{{values}}", valuesTables(chart).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String valuesTables(Path chart) throws IOException {
    JsonNode values = Chart.readYaml(chart.resolve("values.yaml"));
    StringBuilder out = new StringBuilder();
    boolean inSectionHeader = false;
    for (String line : Files.readAllLines(chart.resolve("values.yaml"))) {
      Matcher section = SECTION.matcher(line);
      Matcher param = PARAM.matcher(line);
      Matcher note = NOTE.matcher(line);
      if (section.matches()) {
        out.append("\n### ").append(section.group(1)).append("\n\n");
        inSectionHeader = true;
      } else if (param.matches()) {
        if (inSectionHeader) {
          if (!out.toString().endsWith("\n\n")) {
            out.append('\n');
          }
          out.append("| Key | Default | Description |\n|---|---|---|\n");
          inSectionHeader = false;
        }
        String key = param.group(1);
        out.append("| `")
            .append(key)
            .append("` | ")
            .append(defaultOf(values.at("/" + key.replace(".", "/"))))
            .append(" | ")
            .append(param.group(2).replace("|", "\\|"))
            .append(" |\n");
      } else if (inSectionHeader && note.matches()) {
        out.append(note.group(1)).append('\n');
      }
    }
    return out.toString();
  }

  private static String defaultOf(JsonNode value) {
    if (value.isTextual()) {
      return value.asText().isEmpty() ? "`\"\"`" : "`" + value.asText() + "`";
    }
    String json = Chart.toJson(value);
    return json.length() <= LONGEST_INLINE_DEFAULT
        ? "`" + json.replace("|", "\\|") + "`"
        : "see values.yaml";
  }
}
