package io.cyclegan.common.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.messages.MessageCodec;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes and JSON documents in one bucket of an S3-compatible store. Uses only plain S3 calls (no
 * MinIO-only API), so AWS S3, Ceph RGW, SeaweedFS or Garage work too. Connection errors are retried
 * a bounded number of times with exponential backoff; S3 error responses are not.
 */
public final class ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);
  private static final long PART_SIZE = 8L * 1024 * 1024;

  private final MinioClient client;
  private final String bucket;
  private final int maxAttempts;
  private final Duration firstBackoff;

  public ObjectStore(S3Settings settings) {
    this(settings, 4, Duration.ofMillis(200));
  }

  public ObjectStore(S3Settings settings, int maxAttempts, Duration firstBackoff) {
    this.client =
        MinioClient.builder()
            .endpoint(settings.endpoint())
            .region(settings.region())
            .credentials(settings.accessKey().reveal(), settings.secretKey().reveal())
            .httpClient(httpClient())
            .build();
    this.bucket = settings.bucket();
    this.maxAttempts = maxAttempts;
    this.firstBackoff = firstBackoff;
  }

  /**
   * The MinIO client's own default (HTTP/1.1, 5-minute timeouts, {@code SSL_CERT_FILE} honoured)
   * with {@code TCP_NODELAY} on its sockets: see {@link NoDelaySocketFactory}.
   */
  static OkHttpClient httpClient() {
    long timeout = Duration.ofMinutes(5).toMillis();
    return HttpUtils.newDefaultHttpClient(timeout, timeout, timeout)
        .newBuilder()
        .socketFactory(new NoDelaySocketFactory())
        .build();
  }

  public String bucket() {
    return bucket;
  }

  /** Creates the bucket if it does not exist; services call this once on start. */
  public void ensureBucket() {
    call(
        "create bucket " + bucket,
        () -> {
          if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            log.info("created bucket {}", bucket);
          }
          return null;
        });
  }

  /** True when the store answers and the bucket exists: the readiness check. */
  public boolean isReachable() {
    try {
      return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      return false;
    }
  }

  /** Writes a complete object in one PUT (atomic for readers: they see the old or the new). */
  public void put(String key, byte[] bytes, String contentType) {
    call(
        "put " + key,
        () ->
            client.putObject(
                PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                    .build()));
  }

  /** Uploads a file, in parts when it is large. */
  public void putFile(String key, Path file, String contentType) {
    call(
        "put " + key,
        () ->
            client.uploadObject(
                UploadObjectArgs.builder()
                    .bucket(bucket)
                    .object(key)
                    .filename(file.toString(), PART_SIZE)
                    .contentType(contentType)
                    .build()));
  }

  /** Writes a stream of unknown length, in parts. */
  public void putStream(String key, InputStream in, String contentType) {
    call(
        "put " + key,
        () ->
            client.putObject(
                PutObjectArgs.builder().bucket(bucket).object(key).contentType(contentType).stream(
                        in, -1, PART_SIZE)
                    .build()));
  }

  public void putJson(String key, Object document) {
    try {
      put(key, mapper().writeValueAsBytes(document), "application/json");
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise document for " + key, e);
    }
  }

  /** The object's bytes, or empty when there is no such object. */
  public Optional<byte[]> get(String key) {
    return call(
        "get " + key,
        () -> {
          try (InputStream in =
              client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(in.readAllBytes());
          } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  /** Downloads an object to a file (through a temporary file, so a failed copy leaves nothing). */
  public boolean getToFile(String key, Path target) {
    return call(
        "get " + key,
        () -> {
          Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".part-", ".tmp");
          try (InputStream in =
              client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
          } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
              return false;
            }
            throw e;
          } finally {
            Files.deleteIfExists(tmp);
          }
        });
  }

  public <T> Optional<T> getJson(String key, Class<T> type) {
    return get(key)
        .map(
            bytes -> {
              try {
                return mapper().readValue(bytes, type);
              } catch (IOException e) {
                throw new StoreException(
                    "object "
                        + key
                        + " is not a valid "
                        + type.getSimpleName()
                        + ": "
                        + e.getMessage(),
                    e);
              }
            });
  }

  public Optional<ObjectInfo> stat(String key) {
    return call(
        "stat " + key,
        () -> {
          try {
            StatObjectResponse r =
                client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(
                new ObjectInfo(
                    key,
                    r.size(),
                    r.etag(),
                    r.lastModified() == null ? null : r.lastModified().toInstant()));
          } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  public boolean exists(String key) {
    return stat(key).isPresent();
  }

  /**
   * Every object under {@code prefix}, recursively, in key order. Folder placeholders (keys ending
   * in {@code /}, which some servers list) are left out.
   */
  public List<ObjectInfo> list(String prefix) {
    return call(
        "list " + prefix,
        () -> {
          List<ObjectInfo> out = new ArrayList<>();
          for (Result<Item> r :
              client.listObjects(
                  ListObjectsArgs.builder()
                      .bucket(bucket)
                      .prefix(prefix)
                      .recursive(true)
                      .build())) {
            Item item = r.get();
            if (item.isDir() || item.objectName().endsWith("/")) {
              continue;
            }
            out.add(
                new ObjectInfo(
                    item.objectName(),
                    item.size(),
                    item.etag(),
                    item.lastModified() == null ? null : item.lastModified().toInstant()));
          }
          out.sort(java.util.Comparator.comparing(ObjectInfo::key));
          return out;
        });
  }

  /**
   * The immediate "sub-folders" of {@code prefix} (e.g. dataset or model names), from one delimited
   * listing: the objects below them are not walked.
   */
  public List<String> listPrefixes(String prefix) {
    return call(
        "list " + prefix,
        () -> {
          java.util.TreeSet<String> out = new java.util.TreeSet<>();
          for (Result<Item> r :
              client.listObjects(
                  ListObjectsArgs.builder().bucket(bucket).prefix(prefix).delimiter("/").build())) {
            String rest = r.get().objectName().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
              out.add(rest.substring(0, slash));
            }
          }
          return new ArrayList<>(out);
        });
  }

  /** Deletes an object; deleting a missing one is not an error (S3 semantics). */
  public void delete(String key) {
    call(
        "delete " + key,
        () -> {
          client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
          return null;
        });
  }

  private static ObjectMapper mapper() {
    return MessageCodec.mapper();
  }

  private static boolean isNotFound(ErrorResponseException e) {
    String code = e.errorResponse().code();
    return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code);
  }

  @FunctionalInterface
  private interface StoreCall<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, StoreCall<T> action) {
    Duration backoff = firstBackoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return action.run();
      } catch (Exception e) {
        if (!isTransient(e) || attempt >= maxAttempts) {
          throw new StoreException(
              "object store: "
                  + what
                  + " in bucket "
                  + bucket
                  + " failed"
                  + (attempt > 1 ? " after " + attempt + " attempts" : "")
                  + ": "
                  + describe(e),
              e);
        }
        log.warn(
            "object store: {} failed ({}), retrying in {} ms",
            what,
            describe(e),
            backoff.toMillis());
        try {
          Thread.sleep(backoff.toMillis()); // backoff between retries, not synchronisation
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new StoreException("object store: " + what + " interrupted", ie);
        }
        backoff = backoff.multipliedBy(2);
      }
    }
  }

  private static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof SocketTimeoutException
          || t instanceof UnknownHostException
          || t instanceof java.io.EOFException
          || (t instanceof IOException && t.getClass().getName().startsWith("java.net"))) {
        return true;
      }
      if (t instanceof ErrorResponseException ere) {
        String code = ere.errorResponse().code();
        return "SlowDown".equals(code)
            || "InternalError".equals(code)
            || "ServiceUnavailable".equals(code);
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    if (e instanceof ErrorResponseException ere) {
      return ere.errorResponse().code() + ": " + ere.errorResponse().message();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
