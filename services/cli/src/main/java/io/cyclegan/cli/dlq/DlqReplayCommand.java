package io.cyclegan.cli.dlq;

import io.cyclegan.cli.CliContext;
import io.cyclegan.cli.ClientCommand;
import io.cyclegan.cli.ExitCodes;
import io.cyclegan.cli.connect.Connection;
import io.cyclegan.cli.topics.TopicReader;
import io.cyclegan.common.messages.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Re-publishes dead letters onto their source topic, unchanged but for the dead-letter headers (for
 * when the cause is fixed: a model now exists, a limit was raised). The DLQ itself is left as it
 * is: Kafka cannot delete single records, and the history is worth keeping.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = "Re-publish dead letters onto their source topic.")
public final class DlqReplayCommand extends ClientCommand {

  @Parameters(
      paramLabel = "TOPIC",
      description = "the source topic (e.g. cyclegan.images.in) or its dead-letter topic")
  String topic;

  @Option(
      names = "--where-error",
      paramLabel = "TEXT",
      description = "only records whose error class or message contains TEXT (any case)")
  String whereError;

  @Option(names = "--dry-run", description = "count what would be replayed; publish nothing")
  boolean dryRun;

  DlqReplayCommand(CliContext context) {
    super(context);
  }

  @Override
  public Integer call() throws Exception {
    if (api().isPresent()) {
      throw notOverApi("dlq replay", "for dead letters");
    }
    Connection connection = connection();
    String dlq = DeadLetterScan.dlqTopic(connection.topics(), topic);
    try (KafkaConsumer<byte[], byte[]> consumer = connection.reader()) {
      List<DeadLetterScan.Entry> entries = DeadLetterScan.read(new TopicReader(consumer), dlq);
      List<DeadLetterScan.Entry> matching = entries.stream().filter(this::matches).toList();
      if (dryRun) {
        out()
            .printf(
                "would replay %d of %d dead letters from %s%n",
                matching.size(), entries.size(), dlq);
        return ExitCodes.OK;
      }
      try (KafkaProducer<byte[], byte[]> producer = connection.producer()) {
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        for (DeadLetterScan.Entry entry : matching) {
          sends.add(producer.send(DeadLetter.replay(entry.record())));
        }
        for (Future<RecordMetadata> send : sends) {
          send.get();
        }
      }
      out()
          .printf("replayed %d of %d dead letters from %s%n", matching.size(), entries.size(), dlq);
      return ExitCodes.OK;
    }
  }

  private boolean matches(DeadLetterScan.Entry entry) {
    DeadLetter letter = entry.letter();
    if (letter == null) {
      return false; // no source topic to send it to
    }
    if (whereError == null) {
      return true;
    }
    String needle = whereError.toLowerCase(Locale.ROOT);
    return contains(letter.errorMessage(), needle) || contains(letter.errorClass(), needle);
  }

  private static boolean contains(String text, String needle) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
  }
}
