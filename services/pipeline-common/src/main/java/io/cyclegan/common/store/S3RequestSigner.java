package io.cyclegan.common.store;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import okhttp3.Headers;
import okhttp3.Request;

/**
 * AWS Signature Version 4 of an S3 request, exactly as the MinIO client's {@code Signer.signV4S3}
 * computes it (the same canonical request, signed headers and {@code Authorization} value; {@code
 * S3RequestSignerTest} compares the two), with the signing key kept for the day.
 *
 * <p>MinIO derives the signing key afresh for every request (four HMACs, each with a new {@code
 * Mac}), parses the request's date back from its header, and collapses the spaces of every header
 * value with a regular expression: the largest share of the client's own CPU on a small GET or PUT
 * (docs/benchmarks.md). Here the key is derived once per day, region and secret, the date is the
 * header's first eight characters ({@code yyyyMMdd}, UTC, as MinIO writes it), and a value is only
 * rewritten when it has a run of spaces.
 */
final class S3RequestSigner {
  /** Not signed: as MinIO's signer (proxies rewrite them, some servers do not honour them). */
  private static final Set<String> IGNORED_HEADERS =
      Set.of("accept-encoding", "authorization", "user-agent");

  private static final HexFormat HEX = HexFormat.of();

  /** The signing key of one day, region and secret. */
  private record SigningKey(String date, String region, String secret, byte[] key) {
    boolean isFor(String date, String region, String secret) {
      return this.date.equals(date) && this.region.equals(region) && this.secret.equals(secret);
    }
  }

  private volatile SigningKey signingKey;

  /**
   * The request with its {@code Authorization} header.
   *
   * @param request carries {@code x-amz-date} ({@code yyyyMMdd'T'HHmmss'Z'}, UTC) and every header
   *     to sign
   * @param contentSha256 the payload's hash as sent in {@code x-amz-content-sha256}
   */
  Request sign(
      Request request, String region, String accessKey, String secretKey, String contentSha256)
      throws GeneralSecurityException {
    String amzDate = request.header("x-amz-date");
    if (amzDate == null || amzDate.length() < 8) {
      throw new IllegalArgumentException("request to sign has no x-amz-date header");
    }
    String date = amzDate.substring(0, 8);
    String scope = date + "/" + region + "/s3/aws4_request";

    Map<String, String> canonicalHeaders = canonicalHeaders(request.headers());
    String signedHeaders = String.join(";", canonicalHeaders.keySet());
    StringBuilder canonical = new StringBuilder(512);
    canonical
        .append(request.method())
        .append('\n')
        .append(request.url().encodedPath())
        .append('\n')
        .append(canonicalQuery(request.url().encodedQuery()))
        .append('\n');
    boolean first = true;
    for (Map.Entry<String, String> h : canonicalHeaders.entrySet()) {
      if (!first) {
        canonical.append('\n');
      }
      canonical.append(h.getKey()).append(':').append(h.getValue());
      first = false;
    }
    canonical.append("\n\n").append(signedHeaders).append('\n').append(contentSha256);

    String stringToSign =
        "AWS4-HMAC-SHA256\n"
            + amzDate
            + "\n"
            + scope
            + "\n"
            + HEX.formatHex(sha256(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    String signature =
        HEX.formatHex(
            hmac(key(date, region, secretKey), stringToSign.getBytes(StandardCharsets.UTF_8)));
    return request
        .newBuilder()
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential="
                + accessKey
                + "/"
                + scope
                + ", SignedHeaders="
                + signedHeaders
                + ", Signature="
                + signature)
        .build();
  }

  private byte[] key(String date, String region, String secret) throws GeneralSecurityException {
    SigningKey k = signingKey;
    if (k == null || !k.isFor(date, region, secret)) {
      byte[] dateKey =
          hmac(
              ("AWS4" + secret).getBytes(StandardCharsets.UTF_8),
              date.getBytes(StandardCharsets.UTF_8));
      byte[] regionKey = hmac(dateKey, region.getBytes(StandardCharsets.UTF_8));
      byte[] serviceKey = hmac(regionKey, "s3".getBytes(StandardCharsets.UTF_8));
      k =
          new SigningKey(
              date,
              region,
              secret,
              hmac(serviceKey, "aws4_request".getBytes(StandardCharsets.UTF_8)));
      signingKey = k;
    }
    return k.key();
  }

  /**
   * Lower-case names in order, each with its values joined by commas, runs of spaces in a value
   * made one and the value trimmed (MinIO's {@code replaceAll("( +)", " ").trim()}).
   */
  private static Map<String, String> canonicalHeaders(Headers headers) {
    Map<String, String> out = new TreeMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.US);
      if (IGNORED_HEADERS.contains(lower)) {
        continue;
      }
      List<String> values = headers.values(name);
      StringBuilder joined = new StringBuilder();
      for (String value : values) {
        if (joined.length() > 0) {
          joined.append(',');
        }
        joined.append(value.contains("  ") ? value.replaceAll("( +)", " ").trim() : value.trim());
      }
      out.put(lower, joined.toString());
    }
    return out;
  }

  /**
   * The query's parameters ordered by name, values in their order, as MinIO's signer orders them
   * (it does not order values, nor does the MinIO server).
   */
  private static String canonicalQuery(String encodedQuery) {
    if (encodedQuery == null) {
      return "";
    }
    Map<String, List<String>> params = new TreeMap<>();
    for (String param : encodedQuery.split("&")) {
      String[] tokens = param.split("=");
      params
          .computeIfAbsent(tokens[0], k -> new ArrayList<>())
          .add(tokens.length > 1 ? tokens[1] : "");
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      for (String value : p.getValue()) {
        if (out.length() > 0) {
          out.append('&');
        }
        out.append(p.getKey()).append('=').append(value);
      }
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] data) throws GeneralSecurityException {
    return MessageDigest.getInstance("SHA-256").digest(data);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }
}
