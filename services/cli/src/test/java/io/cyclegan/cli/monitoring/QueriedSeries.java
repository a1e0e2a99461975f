package io.cyclegan.cli.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a Grafana dashboard's panels and a PrometheusRule template query, read from the
 * files themselves: PromQL with its strings, label matchers, ranges and grouping clauses taken out
 * leaves metric names, function names (followed by a parenthesis) and keywords.
 */
final class QueriedSeries {
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf");
  private static final Pattern RULE_EXPR = Pattern.compile("^\\s*expr:\\s*(.+)$");
  private static final Pattern TEMPLATE_ACTION = Pattern.compile("\\{\\{.*?}}");

  private QueriedSeries() {}

  /** Metric names in one PromQL expression. */
  static Set<String> metricNames(String expr) {
    String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
    s = s.replaceAll("\\{[^}]*}", " ");
    s = s.replaceAll("\\[[^]]*]", " ");
    s = s.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String token = m.group();
      boolean afterDigit = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1));
      boolean call = s.substring(m.end()).stripLeading().startsWith("(");
      if (!afterDigit && !call && !KEYWORDS.contains(token.toLowerCase())) {
        names.add(token);
      }
    }
    return names;
  }

  /** Metric name to the titles of the dashboard panels that query it. */
  static TreeMap<String, List<String>> ofDashboard(Path dashboardJson) {
    TreeMap<String, List<String>> queried = new TreeMap<>();
    try {
      collectPanels(new ObjectMapper().readTree(dashboardJson.toFile()).path("panels"), queried);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return queried;
  }

  private static void collectPanels(JsonNode panels, TreeMap<String, List<String>> queried) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        for (String name : metricNames(target.path("expr").asText())) {
          queried.computeIfAbsent(name, n -> new ArrayList<>()).add("panel " + panel.path("title"));
        }
      }
      collectPanels(panel.path("panels"), queried); // a collapsed row holds its panels
    }
  }

  /**
   * Metric name to the alerts that query it, from a PrometheusRule Helm template: each {@code
   * expr:} on one line, with the template's actions taken out.
   */
  static TreeMap<String, List<String>> ofRuleTemplate(Path template) {
    TreeMap<String, List<String>> queried = new TreeMap<>();
    String alert = "?";
    try {
      for (String line : Files.readAllLines(template)) {
        if (line.strip().startsWith("- alert:")) {
          alert = line.strip().substring("- alert:".length()).strip();
        }
        Matcher m = RULE_EXPR.matcher(line);
        if (m.matches()) {
          String expr = TEMPLATE_ACTION.matcher(m.group(1)).replaceAll(" ");
          for (String name : metricNames(expr)) {
            queried.computeIfAbsent(name, n -> new ArrayList<>()).add("alert " + alert);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return queried;
  }
}
