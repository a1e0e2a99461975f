package io.cyclegan.cli.dlq;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.output.OutputFormat;
import io.cyclegan.cli.output.OutputOptions;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
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

/** Counts a dead-letter topic's records by stage and reason. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Count dead letters by stage and reason; --verbose lists every record.")
public final class DlqListCommand extends ClientCommand {

  @Parameters(
      paramLabel = "TOPIC",
      description = "the source topic (e.g. cyclegan.images.in) or its dead-letter topic")
  String topic;

  @Mixin OutputOptions output = new OutputOptions();

  @Option(names = "--verbose", description = "print each record's key, source offset and time")
  boolean verbose;

  DlqListCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    if (api().isPresent()) {
      throw notOverApi("dlq list", "for dead letters");
    }
    Connection connection = connection();
    String dlq = DeadLetterScan.dlqTopic(connection.topics(), topic);
    List<DeadLetterScan.Entry> entries;
    try (KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      entries = DeadLetterScan.read(new TopicReader(consumer), dlq);
    }
    Map<String, Integer> groups = new TreeMap<>();
    for (DeadLetterScan.Entry entry : entries) {
      groups.merge(group(entry), 1, Integer::sum);
    }
    if (output.format() != OutputFormat.table) {
      output.printDocument(out(), document(dlq, entries, groups));
      return ExitCodes.OK;
    }
    out().printf("%s: %d dead letters%n", dlq, entries.size());
    groups.forEach((group, count) -> out().printf("%6d  %s%n", count, group));
    if (verbose) {
      entries.forEach(entry -> out().println(detail(entry)));
    }
    return ExitCodes.OK;
  }

  /** {topic, count, groups: [{group, count}], letters: [...] with --verbose}. */
  private Map<String, Object> document(
      String dlq, List<DeadLetterScan.Entry> entries, Map<String, Integer> groups) {
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
      for (DeadLetterScan.Entry entry : entries) {
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
        letters.add(row);
      }
      doc.put("letters", letters);
    }
    return doc;
  }

  /** {@code stage: reason}, the unit operators act on. */
  static String group(DeadLetterScan.Entry entry) {
    DeadLetter letter = entry.letter();
    if (letter == null) {
      return "(no dead-letter headers: " + entry.problem() + ")";
    }
    return letter.stage() + ": " + letter.errorMessage();
  }

  private static String detail(DeadLetterScan.Entry entry) {
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
