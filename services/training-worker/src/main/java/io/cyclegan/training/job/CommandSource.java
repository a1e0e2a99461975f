package io.cyclegan.training.job;

/**
 * Where a start command was read: consumer group, topic, partition and offset. Kafka gives a record
 * the same coordinates every time it is redelivered, and a user's second start always lands at a
 * new offset, so equal sources mean a redelivery and different ones a duplicate.
 */
public record CommandSource(String group, String topic, int partition, long offset) {

  @Override
  public String toString() {
    return group + ":" + topic + "-" + partition + "@" + offset;
  }
}
