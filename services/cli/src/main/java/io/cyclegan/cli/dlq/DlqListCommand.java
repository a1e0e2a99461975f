package io.cyclegan.cli.dlq;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.topics.RecordText;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.DeadLetter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine.Command;
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

  @Option(names = "--verbose", description = "print each record's key, source offset and time")
  boolean verbose;

  DlqListCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() {
    Connection connection = connection();
    String dlq = DeadLetterScan.dlqTopic(connection.topics(), topic);
    List<DeadLetterScan.Entry> entries;
    try (KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      entries = DeadLetterScan.read(new TopicReader(consumer), dlq);
    }
    out().printf("%s: %d dead letters%n", dlq, entries.size());
    Map<String, Integer> groups = new TreeMap<>();
    for (DeadLetterScan.Entry entry : entries) {
      groups.merge(group(entry), 1, Integer::sum);
    }
    groups.forEach((group, count) -> out().printf("%6d  %s%n", count, group));
    if (verbose) {
      entries.forEach(entry -> out().println(detail(entry)));
    }
    return ExitCodes.OK;
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
