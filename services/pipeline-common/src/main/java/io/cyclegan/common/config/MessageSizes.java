package io.cyclegan.common.config;

import java.util.Map;

/**
 * Every size bound of a record that carries an image, derived from one setting, {@code
 * CYCLEGAN_MAX_IMAGE_BYTES} (default 1 MiB, DESIGN.md): an image of up to that size fits its record
 * on {@code cyclegan.images.in} with room for the key and headers, and a rejected one (a byte over,
 * or any size the topic took) still fits its dead letter, which adds the error headers. So an image
 * over the limit gets a {@code TOO_LARGE} rejection from ingest instead of failing inside a
 * producer or the broker, which Kafka's own 1 MiB defaults would do.
 *
 * <ul>
 *   <li>{@link #imageTopicMaxMessageBytes()}: {@code max.message.bytes} of the images topic;
 *   <li>{@link #deadLetterMaxMessageBytes()}: {@code max.message.bytes} of every dead-letter topic
 *       and the producers' {@code max.request.size} ({@link #maxRequestBytes()}).
 * </ul>
 */
public record MessageSizes(long maxImageBytes) {
  public static final String VARIABLE = "CYCLEGAN_MAX_IMAGE_BYTES";
  public static final long DEFAULT_MAX_IMAGE_BYTES = 1_048_576;

  /** Room for a record's key, headers and batch framing beyond the image bytes. */
  public static final int RECORD_HEADROOM_BYTES = 64 * 1024;

  /** Room for the error headers a dead letter adds to the original record. */
  public static final int DEAD_LETTER_HEADROOM_BYTES = 16 * 1024;

  /** The largest image whose records still fit in Kafka's int-sized limits with the headroom. */
  public static final long MAX_IMAGE_BYTES_CEILING =
      Integer.MAX_VALUE - RECORD_HEADROOM_BYTES - DEAD_LETTER_HEADROOM_BYTES - 8;

  public static final MessageSizes DEFAULT = new MessageSizes(DEFAULT_MAX_IMAGE_BYTES);

  public MessageSizes {
    if (maxImageBytes < 1 || maxImageBytes > MAX_IMAGE_BYTES_CEILING) {
      throw new IllegalArgumentException(
          VARIABLE + ": expected 1.." + MAX_IMAGE_BYTES_CEILING + " bytes, got " + maxImageBytes);
    }
  }

  public static MessageSizes fromEnv(Env env) {
    return new MessageSizes(
        env.longValue(VARIABLE, DEFAULT_MAX_IMAGE_BYTES, 1, MAX_IMAGE_BYTES_CEILING));
  }

  /** {@code max.message.bytes} of the topic users send images to. */
  public int imageTopicMaxMessageBytes() {
    return Math.toIntExact(maxImageBytes + RECORD_HEADROOM_BYTES);
  }

  /** {@code max.message.bytes} of a dead-letter topic: an image record plus error headers. */
  public int deadLetterMaxMessageBytes() {
    return imageTopicMaxMessageBytes() + DEAD_LETTER_HEADROOM_BYTES;
  }

  /**
   * A producer's {@code max.request.size}: the largest record any of our topics takes, and never
   * less than with the default limit. A service configured below the default must still forward
   * what the topics took (a record on the images topic that it rejects goes to a dead letter
   * whole); the brokers' {@code max.message.bytes} stay the real bound.
   */
  public int maxRequestBytes() {
    return Math.max(
        deadLetterMaxMessageBytes(),
        Math.toIntExact(
            DEFAULT_MAX_IMAGE_BYTES + RECORD_HEADROOM_BYTES + DEAD_LETTER_HEADROOM_BYTES));
  }

  /** Topic configuration of the images topic. */
  public Map<String, String> imageTopicConfig() {
    return Map.of("max.message.bytes", Integer.toString(imageTopicMaxMessageBytes()));
  }

  /** Topic configuration of a dead-letter topic. */
  public Map<String, String> deadLetterTopicConfig() {
    return Map.of("max.message.bytes", Integer.toString(deadLetterMaxMessageBytes()));
  }
}
