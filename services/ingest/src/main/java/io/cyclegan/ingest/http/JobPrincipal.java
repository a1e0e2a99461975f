package io.cyclegan.ingest.http;

import io.cyclegan.common.messages.Headers;
import io.cyclegan.common.store.Names;
import io.cyclegan.common.trust.LogValues;
import io.cyclegan.ingest.auth.ApiAuth;
import io.cyclegan.ingest.auth.Caller;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cg-principal} of the training commands the API publishes: the authenticated caller's
 * name ({@link Caller#name()}: a token's name, {@code oidc:<sub>} for a JWT), so the training
 * worker records it and applies the per-model publisher allow-list to HTTP callers. It is only ever
 * set from the credentials: nothing a client sends (a {@code cg-principal} request header, a body
 * field) is copied, and a value already on the record is replaced.
 */
final class JobPrincipal {
  private static final Logger log = LoggerFactory.getLogger(JobPrincipal.class);

  private JobPrincipal() {}

  /**
   * The principal for {@code caller}; {@code null} when the API runs without authentication (anyone
   * on loopback is nobody in particular) or when the name is not a valid principal.
   */
  static String of(ApiAuth auth, Caller caller) {
    if (!auth.required() || caller == null) {
      return null;
    }
    if (!Names.isValidPrincipal(caller.name())) {
      log.warn(
          "caller '{}' is not a valid {}: its jobs carry none",
          LogValues.escape(caller.name()),
          Headers.PRINCIPAL);
      return null;
    }
    return caller.name();
  }

  /** {@code record} with {@code principal} as its only {@code cg-principal} (none when null). */
  static <K, V> ProducerRecord<K, V> add(ProducerRecord<K, V> record, String principal) {
    record.headers().remove(Headers.PRINCIPAL);
    if (principal != null) {
      record.headers().add(Headers.PRINCIPAL, principal.getBytes(StandardCharsets.UTF_8));
    }
    return record;
  }
}
