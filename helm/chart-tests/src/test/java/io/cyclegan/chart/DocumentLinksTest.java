package io.cyclegan.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Links in the repository's Markdown (READMEs, docs/, the chart's README) lead to files that exist
 * or to public sites: none to a host only the author could reach. Hosts in code (between backticks
 * or in fenced blocks) are examples, not links, and are not checked.
 */
class DocumentLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)|<(https?://[^>]+)>");
  private static final Pattern PRIVATE_HOST =
      Pattern.compile(
          "(?i)^(localhost|127\\..*|10\\..*|192\\.168\\..*|172\\.(1[6-9]|2\\d|3[01])\\..*"
              + "|.*\\.(local|internal|lan|corp|test|example)|[^.]+)$");

  @Test
  void shouldLinkOnlyToFilesThatExistOrToPublicSitesWhenReadingTheDocs() throws IOException {
    List<String> bad = new ArrayList<>();
    for (Path doc : markdownFiles()) {
      String prose = withoutCode(Files.readString(doc));
      Matcher m = LINK.matcher(prose);
      while (m.find()) {
        String target = m.group(1) != null ? m.group(1) : m.group(2);
        String problem = problem(doc, target);
        if (problem != null) {
          bad.add(Chart.ROOT.relativize(doc) + ": " + target + " (" + problem + ")");
        }
      }
    }

    assertThat(bad).isEmpty();
  }

  private static String problem(Path doc, String target) {
    if (target.startsWith("#") || target.startsWith("mailto:")) {
      return null;
    }
    if (target.startsWith("http://") || target.startsWith("https://")) {
      String host = URI.create(target).getHost();
      return host == null || PRIVATE_HOST.matcher(host).matches() ? "not a public site" : null;
    }
    String path = target.replaceFirst("#.*$", "");
    return Files.exists(doc.getParent().resolve(path)) ? null : "no such file";
  }

  /** The text without fenced code blocks and inline code spans. */
  static String withoutCode(String markdown) {
    return markdown.replaceAll("(?s)```.*?```", "").replaceAll("`[^`\\n]*`", "");
  }

  private static List<Path> markdownFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Chart.ROOT)) {
      return files
          .filter(f -> f.toString().endsWith(".md"))
          .filter(
              f -> {
                String relative = Chart.ROOT.relativize(f).toString();
                return !relative.contains("target/")
                    && !relative.startsWith(".")
                    && !relative.contains("/.")
                    && !relative.contains("node_modules");
              })
          .toList();
    }
  }
}
