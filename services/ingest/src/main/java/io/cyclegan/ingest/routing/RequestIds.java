package io.cyclegan.ingest.routing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Request ids for records that name none: HMAC-SHA256 of the record's position under a key drawn at
 * random when the process starts, shaped as a version-4 UUID. Nobody without the key can predict
 * the id of someone else's request (a name-based UUID of {@code topic/partition@offset} could be
 * computed by anyone), and within the process a position always gets the same id.
 */
final class RequestIds {
  private static final byte[] KEY = new byte[32];

  static {
    new SecureRandom().nextBytes(KEY);
  }

  private RequestIds() {}

  static String forPosition(String position) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
      ByteBuffer b = ByteBuffer.wrap(mac.doFinal(position.getBytes(StandardCharsets.UTF_8)));
      long hi = (b.getLong() & ~0xF000L) | 0x4000L; // version 4
      long lo = (b.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
      return new UUID(hi, lo).toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
