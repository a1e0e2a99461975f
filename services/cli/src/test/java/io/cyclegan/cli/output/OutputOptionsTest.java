package io.cyclegan.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputOptionsTest {
  private static final List<String> COLUMNS = List.of("id", "state", "epoch");

  private static String print(OutputFormat format, List<Map<String, Object>> rows) {
    OutputOptions options = new OutputOptions();
    options.format = format;
    StringWriter text = new StringWriter();
    options.printList(new PrintWriter(text, true), "jobs", rows, COLUMNS, "no jobs");
    return text.toString();
  }

  private static Map<String, Object> row(String id, String state, Integer epoch) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("state", state);
    row.put("epoch", epoch);
    return row;
  }

  @Test
  void shouldPrintATableWithAHeaderAndPaddedColumns() {
    String table =
        print(
            OutputFormat.table, List.of(row("j1", "running", 3), row("job-2", "completed", null)));

    assertThat(table.lines())
        .containsExactly("ID     STATE      EPOCH", "j1     running    3", "job-2  completed  -");
  }

  @Test
  void shouldSaySoWhenATableHasNoRows() {
    assertThat(print(OutputFormat.table, List.of())).isEqualTo("no jobs\n");
  }

  @Test
  void shouldPrintJsonAndYamlThatParseBackToTheRows() throws Exception {
    List<Map<String, Object>> rows = List.of(row("j1", "running", 3));

    Map<?, ?> json = new ObjectMapper().readValue(print(OutputFormat.json, rows), Map.class);
    Map<?, ?> yaml =
        new ObjectMapper(new YAMLFactory()).readValue(print(OutputFormat.yaml, rows), Map.class);

    assertThat(json).isEqualTo(Map.of("jobs", rows));
    assertThat(yaml).isEqualTo(json);
    assertThat(print(OutputFormat.json, List.of())).contains("\"jobs\" : [ ]");
  }
}
