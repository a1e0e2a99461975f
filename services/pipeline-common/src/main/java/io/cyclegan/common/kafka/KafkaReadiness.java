package io.cyclegan.common.kafka;

import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Whether the Kafka cluster answers: a metadata request within a short timeout. */
public final class KafkaReadiness {
  private final Admin admin;

  public KafkaReadiness(Admin admin) {
    this.admin = admin;
  }

  public boolean isReachable() {
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
          .nodes()
          .get(3, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }
}
