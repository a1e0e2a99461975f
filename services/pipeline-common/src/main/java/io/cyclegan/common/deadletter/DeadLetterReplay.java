package io.cyclegan.common.deadletter;

import io.cyclegan.common.messages.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Re-publishes dead letters onto their source topic, unchanged but for the dead-letter headers
 * ({@link DeadLetter#replay}): the one replay of {@code cyclegan dlq replay} and {@code POST
 * /dead-letters/{topic}/replay}. The DLQ itself is left as it is: Kafka cannot delete single
 * records, and the history is worth keeping.
 *
 * <p>A dead letter's headers are untrusted: its {@code cg-source-topic} must be the topic the DLQ
 * belongs to ({@code <source><suffix>}, the only topic a service dead-letters it from), or the page
 * is refused before anything is sent ({@link UntrustedSourceException}). Records without
 * dead-letter headers have no source to go back to and are skipped.
 *
 * @param dlq the dead-letter topic
 * @param sourceTopic the topic its records came from, the only one they are replayed to
 * @param whereError only records whose error class or message contains this (any case); null for
 *     all
 */
public record DeadLetterReplay(String dlq, String sourceTopic, String whereError) {

  /** What a page's replay did: records read, records that matched, records sent. */
  public record Counts(int scanned, int matched, int replayed) {
    public Counts plus(Counts other) {
      return new Counts(
          scanned + other.scanned, matched + other.matched, replayed + other.replayed);
    }
  }

  /** A dead letter names a source topic other than its DLQ's: nothing of its page was sent. */
  public static final class UntrustedSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int partition;
    private final long offset;

    UntrustedSourceException(int partition, long offset) {
      super(
          "the dead letter at partition "
              + partition
              + ", offset "
              + offset
              + " names a source topic that is not the one its dead-letter topic belongs to;"
              + " nothing of its page was replayed");
      this.partition = partition;
      this.offset = offset;
    }

    public int partition() {
      return partition;
    }

    public long offset() {
      return offset;
    }
  }

  /** The replay of {@code dlq}, whose source topic is {@code dlq} without {@code dlqSuffix}. */
  public static DeadLetterReplay of(String dlq, String dlqSuffix, String whereError) {
    if (!dlq.endsWith(dlqSuffix) || dlq.length() == dlqSuffix.length()) {
      throw new IllegalArgumentException(
          dlq + " is not a dead-letter topic (its name does not end with " + dlqSuffix + ")");
    }
    String filter = whereError == null || whereError.isEmpty() ? null : whereError;
    return new DeadLetterReplay(dlq, dlq.substring(0, dlq.length() - dlqSuffix.length()), filter);
  }

  /** Whether an entry is one to replay: it has dead-letter headers and matches the filter. */
  public boolean matches(DeadLetterEntry entry) {
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

  /**
   * Replays the matching entries of one page and waits until the broker has every one; with {@code
   * dryRun}, only counts them.
   *
   * @throws UntrustedSourceException before any send, when a matching entry names another source
   * @throws ExecutionException when a send failed (those before it may have been written)
   */
  public Counts replay(
      Producer<byte[], byte[]> producer, List<DeadLetterEntry> page, boolean dryRun)
      throws ExecutionException, InterruptedException {
    List<DeadLetterEntry> matching = page.stream().filter(this::matches).toList();
    for (DeadLetterEntry entry : matching) {
      if (!sourceTopic.equals(entry.letter().sourceTopic())) {
        throw new UntrustedSourceException(entry.record().partition(), entry.record().offset());
      }
    }
    if (dryRun) {
      return new Counts(page.size(), matching.size(), 0);
    }
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (DeadLetterEntry entry : matching) {
      sends.add(producer.send(DeadLetter.replay(entry.record())));
    }
    for (Future<RecordMetadata> send : sends) {
      send.get();
    }
    return new Counts(page.size(), matching.size(), sends.size());
  }

  private static boolean contains(String text, String needle) {
    return text != null && text.toLowerCase(Locale.ROOT).contains(needle);
  }
}
