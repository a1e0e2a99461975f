package io.cyclegan.cli.dlq;

import com.fasterxml.jackson.databind.JsonNode;
import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.listing.PageOptions;
import io.cyclegan.cli.output.OutputFormat;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.common.deadletter.DeadLetterEntry;
import io.cyclegan.common.messages.DeadLetter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Counts a page of a dead-letter topic's records by stage and reason: one page per call ({@code
 * --limit}, O(page) over either transport), and where the next starts ({@code --after}), or every
 * page with {@code --all}, as every listing of the CLI ({@link PageOptions}).
 */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Count dead letters by stage and reason, a page at a time; --verbose lists every record.",
      "A page that has a successor ends with the --after cursor that reads the next."
    })
public final class DlqListCommand extends ClientCommand {

  @Parameters(
      paramLabel = "TOPIC",
      description = "the source topic (e.g. cyclegan.images.in) or its dead-letter topic")
  String topic;

  @Mixin OutputOptions output = new OutputOptions();

  @Option(names = "--verbose", description = "print each record's key, source offset and time")
  boolean verbose;

  @Mixin PageOptions paging = new PageOptions();

  DlqListCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (paging.limit() < 1 || paging.limit() > PageOptions.MAX_LIMIT) {
      throw new IllegalArgumentException(
          "--limit must be 1 to "
              + PageOptions.MAX_LIMIT
              + " (dead letters per page), was "
              + paging.limit()
              + "; --all lists every page");
    }
    if (paging.after() != null) {
      DeadLetterScan.parse(paging.after());
    }
    String dlq;
    List<Letter> entries = new ArrayList<>();
    String next = paging.after();
    if (api().isPresent()) {
      // GET /dead-letters/{topic}?limit=&cursor= (docs/http-api.md), a page per call.
      dlq = topic;
      do {
        DeadLetterScan.Page<JsonNode> page =
            DeadLetterScan.page(api().get(), topic, next, paging.limit());
        page.items().forEach(node -> entries.add(Letter.of(node)));
        next = page.next().orElse(null);
      } while (next != null && paging.all());
    } else {
      Connection connection = connection();
      dlq = DeadLetterScan.dlqTopic(connection.topics(), topic);
      try (KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
        do {
          DeadLetterScan.Page<DeadLetterEntry> page =
              DeadLetterScan.page(consumer, dlq, next, paging.limit());
          page.items().forEach(entry -> entries.add(Letter.of(entry)));
          next = page.next().orElse(null);
        } while (next != null && paging.all());
      }
    }
    Map<String, Integer> groups = new TreeMap<>();
    for (Letter entry : entries) {
      groups.merge(entry.group(), 1, Integer::sum);
    }
    if (output.format() != OutputFormat.table) {
      output.printDocument(out(), document(dlq, entries, groups, next));
      return ExitCodes.OK;
    }
    out().printf("%s: %d dead letters%n", dlq, entries.size());
    groups.forEach((group, count) -> out().printf("%6d  %s%n", count, group));
    if (verbose) {
      entries.forEach(entry -> out().println(entry.detail()));
    }
    if (next != null) {
      // As every listing: the hint on stderr, so stdout stays the table.
      err()
          .println(
              "more: cyclegan dlq list "
                  + topic
                  + " --after "
                  + next
                  + (paging.limit() == PageOptions.DEFAULT_LIMIT
                      ? ""
                      : " --limit " + paging.limit()));
      err().flush();
    }
    return ExitCodes.OK;
  }

  /** {topic, count, groups: [{group, count}], letters: [...] with --verbose, next}. */
  private Map<String, Object> document(
      String dlq, List<Letter> entries, Map<String, Integer> groups, String next) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("topic", dlq);
    doc.put("count", entries.size());
    List<Map<String, Object>> groupRows = new ArrayList<>();
    groups.forEach(
        (group, count) ->
            groupRows.add(new LinkedHashMap<>(Map.of("group", group, "count", count))));
    doc.put("groups", groupRows);
    if (verbose) {
      List<Map<String, Object>> letters = new ArrayList<>();
      for (Letter entry : entries) {
        letters.add(entry.row());
      }
      doc.put("letters", letters);
    }
    if (next != null) {
      doc.put("next", next);
    }
    return doc;
  }

  /** One dead letter, read from Kafka or from the HTTP API: its group, line and document row. */
  record Letter(String group, String detail, Map<String, Object> row) {
    static Letter of(DeadLetterEntry entry) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", RecordText.key(entry.record()));
      row.put("offset", entry.record().offset());
      DeadLetter letter = entry.letter();
      if (letter == null) {
        row.put("problem", entry.problem());
      } else {
        row.put("sourceTopic", letter.sourceTopic());
        row.put("sourcePartition", letter.sourcePartition());
        row.put("sourceOffset", letter.sourceOffset());
        row.put("time", letter.time() == null ? null : letter.time().toString());
        row.put("stage", letter.stage());
        row.put("errorClass", letter.errorClass());
        row.put("error", letter.errorMessage());
      }
      return new Letter(DlqListCommand.group(entry), DlqListCommand.detail(entry), row);
    }

    /** A letter of {@code GET /dead-letters/{topic}}: the same fields under the same names. */
    static Letter of(JsonNode node) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("key", text(node, "key"));
      row.put("offset", node.path("offset").asLong());
      String key = text(node, "key");
      if (node.hasNonNull("problem")) {
        row.put("problem", text(node, "problem"));
        String group = "(no dead-letter headers: " + text(node, "problem") + ")";
        return new Letter(
            group, "  key=" + key + " offset=" + node.path("offset").asLong() + " " + group, row);
      }
      row.put("sourceTopic", text(node, "sourceTopic"));
      row.put("sourcePartition", node.path("sourcePartition").asInt());
      row.put("sourceOffset", node.path("sourceOffset").asLong());
      row.put("time", text(node, "time"));
      row.put("stage", text(node, "stage"));
      row.put("errorClass", text(node, "errorClass"));
      row.put("error", text(node, "error"));
      String detail =
          "  key="
              + key
              + " source="
              + row.get("sourceTopic")
              + "/"
              + row.get("sourcePartition")
              + "@"
              + row.get("sourceOffset")
              + " time="
              + row.get("time")
              + " stage="
              + row.get("stage")
              + " error="
              + row.get("errorClass")
              + ": "
              + row.get("error");
      return new Letter(row.get("stage") + ": " + row.get("error"), detail, row);
    }

    private static String text(JsonNode node, String field) {
      return node.hasNonNull(field) ? node.get(field).asText() : null;
    }
  }

  /** {@code stage: reason}, the unit operators act on. */
  static String group(DeadLetterEntry entry) {
    DeadLetter letter = entry.letter();
    if (letter == null) {
      return "(no dead-letter headers: " + entry.problem() + ")";
    }
    return letter.stage() + ": " + letter.errorMessage();
  }

  private static String detail(DeadLetterEntry entry) {
    DeadLetter letter = entry.letter();
    String key = RecordText.key(entry.record());
    if (letter == null) {
      return "  key=" + key + " offset=" + entry.record().offset() + " " + group(entry);
    }
    return "  key="
        + key
        + " source="
        + letter.sourceTopic()
        + "/"
        + letter.sourcePartition()
        + "@"
        + letter.sourceOffset()
        + " time="
        + letter.time()
        + " stage="
        + letter.stage()
        + " error="
        + letter.errorClass()
        + ": "
        + letter.errorMessage();
  }
}
