package io.cyclegan.cli.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code -o table|json|yaml} option of every listing and state command, and the printing it
 * picks. A listing is a list of rows (maps with the same keys in the same order); JSON and YAML
 * print {@code {"<kind>": [rows]}} (an object, so fields can be added later without breaking a
 * script), the table one row per line with the columns given.
 */
public final class OutputOptions {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .enable(SerializationFeature.INDENT_OUTPUT);

  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = "table",
      description = "table (default), json or yaml")
  OutputFormat format = OutputFormat.table;

  public OutputFormat format() {
    return format;
  }

  /**
   * Prints a listing: {@code rows} under {@code kind} as JSON or YAML, or as a table of {@code
   * columns} ({@code empty} when there are no rows).
   */
  public void printList(
      PrintWriter out,
      String kind,
      List<Map<String, Object>> rows,
      List<String> columns,
      String empty) {
    printList(out, kind, rows, columns, empty, Optional.empty());
  }

  /**
   * Prints one page of a listing: as {@link #printList(PrintWriter, String, List, List, String)},
   * with JSON and YAML carrying {@code "next": cursor} when another page follows (the table's
   * reader learns it from the command's hint instead).
   */
  public void printList(
      PrintWriter out,
      String kind,
      List<Map<String, Object>> rows,
      List<String> columns,
      String empty,
      Optional<String> next) {
    if (format != OutputFormat.table) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put(kind, rows);
      next.ifPresent(n -> doc.put("next", n));
      printDocument(out, doc);
      return;
    }
    if (rows.isEmpty()) {
      out.println(empty);
      return;
    }
    out.println(Table.render(columns, rows));
  }

  /** Prints one document: as JSON or YAML, or as pretty JSON for the table format. */
  public void printDocument(PrintWriter out, Object document) {
    try {
      String text =
          format == OutputFormat.yaml
              ? YAML.writeValueAsString(document)
              : JSON.writeValueAsString(document);
      out.print(text.endsWith("\n") ? text : text + "\n");
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the document", e);
    }
  }

  /** A plain table: a header of upper-case column names, columns padded to their widest cell. */
  static final class Table {
    private Table() {}

    static String render(List<String> columns, List<Map<String, Object>> rows) {
      List<List<String>> cells = new ArrayList<>();
      List<String> header = new ArrayList<>();
      columns.forEach(c -> header.add(c.toUpperCase(java.util.Locale.ROOT)));
      cells.add(header);
      for (Map<String, Object> row : rows) {
        List<String> line = new ArrayList<>();
        for (String c : columns) {
          Object v = row.get(c);
          line.add(v == null ? "-" : v.toString());
        }
        cells.add(line);
      }
      int[] widths = new int[columns.size()];
      for (List<String> line : cells) {
        for (int i = 0; i < line.size(); i++) {
          widths[i] = Math.max(widths[i], line.get(i).length());
        }
      }
      StringBuilder text = new StringBuilder();
      for (List<String> line : cells) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < line.size(); i++) {
          l.append(i + 1 < line.size() ? pad(line.get(i), widths[i] + 2) : line.get(i));
        }
        text.append(l.toString().stripTrailing()).append('\n');
      }
      return text.toString().stripTrailing();
    }

    private static String pad(String s, int width) {
      return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
  }
}
