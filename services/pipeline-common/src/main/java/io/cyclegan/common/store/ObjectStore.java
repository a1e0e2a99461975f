package io.cyclegan.common.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cyclegan.common.config.S3Settings;
import io.cyclegan.common.fault.Dependency;
import io.cyclegan.common.fault.Faults;
import io.cyclegan.common.fault.Retrier;
import io.cyclegan.common.fault.RetryPolicy;
import io.cyclegan.common.messages.MessageCodec;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.credentials.Provider;
import io.minio.errors.ErrorResponseException;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes and JSON documents in one bucket of an S3-compatible store. Uses only plain S3 calls (no
 * MinIO-only API), so AWS S3, Ceph RGW, SeaweedFS or Garage work too.
 *
 * <p>Faults (see docs/reliability.md): a transient one (connection refused or reset, a timeout, a
 * 5xx, throttling) is retried with the {@link RetryPolicy}'s capped, jittered backoff until the
 * budget, or the deadline of a {@link #withDeadline} view, is spent, and then surfaces as a {@link
 * StoreUnavailableException}, which callers treat as "wait and try again later", never as a reason
 * to fail work. Any other error is a plain {@link StoreException} at once. Connect and read
 * timeouts are seconds, not the client's default minutes, so a hung (not refusing) store is noticed
 * and retried like a refusing one.
 */
public final class ObjectStore {
  private static final Logger log = LoggerFactory.getLogger(ObjectStore.class);
  private static final long PART_SIZE = 8L * 1024 * 1024;

  /** A refused connection is seen at once; a black-holed one after this. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

  /**
   * The longest silence within one response (or one write of a request body). A store answers a
   * request's headers in milliseconds and streams steadily after that; 15 s of silence is a hang.
   */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(15);

  /** What a person at a command line waits for at most before an error: a short budget. */
  public static final RetryPolicy INTERACTIVE =
      new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(10));

  private final MinioClient client;
  private final DirectClient asyncClient;
  private final MinioClient probeClient;
  private final String bucket;
  private final Retrier retrier;
  private final Instant deadline;

  /** A store for interactive clients (the CLI): transient faults are retried for 10 s. */
  public ObjectStore(S3Settings settings) {
    this(settings, INTERACTIVE, new Dependency("object-store"));
  }

  /**
   * @param policy how long transient faults are waited out
   * @param dependency the state that readiness and metrics show, updated by every call
   */
  public ObjectStore(S3Settings settings, RetryPolicy policy, Dependency dependency) {
    Provider credentials =
        CredentialProviders.of(
            settings.credentials(), httpClient(CONNECT_TIMEOUT, READ_TIMEOUT, Optional.empty()));
    OkHttpClient http = httpClient(CONNECT_TIMEOUT, READ_TIMEOUT, settings.caFile());
    this.client = client(settings, credentials, http);
    // For GETs and PUTs of one object (see DirectClient), and the multipart-upload listing and
    // abort, which MinioClient does not offer.
    this.asyncClient =
        new DirectClient(
            MinioAsyncClient.builder()
                .endpoint(settings.endpoint())
                .region(settings.region())
                .credentialsProvider(credentials)
                .httpClient(http)
                .build(),
            PlainHttp.forEndpoint(settings.endpoint(), CONNECT_TIMEOUT, READ_TIMEOUT));
    this.probeClient =
        client(
            settings,
            credentials,
            httpClient(Duration.ofSeconds(2), Duration.ofSeconds(2), settings.caFile()));
    this.bucket = settings.bucket();
    this.retrier = new Retrier(policy, dependency, ObjectStore::isTransient);
    this.deadline = null;
  }

  private ObjectStore(ObjectStore base, Retrier retrier, Instant deadline) {
    this.client = base.client;
    this.asyncClient = base.asyncClient;
    this.probeClient = base.probeClient;
    this.bucket = base.bucket;
    this.retrier = retrier;
    this.deadline = deadline;
  }

  private static MinioClient client(S3Settings settings, Provider credentials, OkHttpClient http) {
    return MinioClient.builder()
        .endpoint(settings.endpoint())
        .region(settings.region())
        .credentialsProvider(credentials)
        .httpClient(http)
        .build();
  }

  /**
   * The same store, whose calls give up waiting for a transient fault at {@code deadline} (or the
   * budget, if sooner): for work with a deadline of its own, such as a translation request.
   */
  public ObjectStore withDeadline(Instant deadline) {
    return new ObjectStore(this, retrier, deadline);
  }

  /** The same store with another retry policy (same client, same dependency state). */
  public ObjectStore withPolicy(RetryPolicy policy) {
    return new ObjectStore(
        this, new Retrier(policy, retrier.dependency(), ObjectStore::isTransient), deadline);
  }

  /** The store's state as the last calls saw it: for readiness and metrics. */
  public Dependency dependency() {
    return retrier.dependency();
  }

  /**
   * The MinIO client's own default (HTTP/1.1, {@code SSL_CERT_FILE} honoured) with {@code
   * TCP_NODELAY} on its sockets ({@link NoDelaySocketFactory}) and timeouts of seconds; trusting
   * only the authorities in {@code caFile} when one is given ({@link PrivateAuthority}).
   */
  static OkHttpClient httpClient(Duration connect, Duration read, Optional<Path> caFile) {
    OkHttpClient.Builder http =
        HttpUtils.newDefaultHttpClient(connect.toMillis(), read.toMillis(), read.toMillis())
            .newBuilder()
            .socketFactory(new NoDelaySocketFactory());
    return caFile.map(pem -> PrivateAuthority.trust(http, pem)).orElse(http).build();
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

  /**
   * True when the store answers within 2 s and the bucket exists. One call, no retry: for a
   * background probe, never for a request thread. Updates {@link #dependency()}.
   */
  public boolean isReachable() {
    try {
      boolean exists = probeClient.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
      retrier.dependency().succeeded();
      return exists;
    } catch (Exception e) {
      if (isTransient(e)) {
        retrier.dependency().failed(e);
      }
      return false;
    }
  }

  /** Writes a complete object in one PUT (atomic for readers: they see the old or the new). */
  public void put(String key, byte[] bytes, String contentType) {
    put(key, bytes, contentType, Map.of());
  }

  /**
   * Writes a complete object in one PUT with user metadata ({@code x-amz-meta-*}; lower-case names,
   * ASCII values), which {@link #userMetadata} reads back without reading the object.
   */
  public void put(String key, byte[] bytes, String contentType, Map<String, String> metadata) {
    PutObjectArgs args =
        PutObjectArgs.builder()
            .bucket(bucket)
            .object(key)
            .contentType(contentType)
            .userMetadata(metadata)
            .stream(new ByteArrayInputStream(bytes), bytes.length, -1)
            .build();
    call(
        "put " + key,
        () -> {
          asyncClient.put(args, bytes);
          return null;
        });
  }

  /** The user metadata of an object (names lower-case, without the prefix), or empty if absent. */
  public Optional<Map<String, String>> userMetadata(String key) {
    return call(
        "stat " + key,
        () -> {
          try {
            StatObjectResponse r =
                client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            Map<String, String> out = new java.util.HashMap<>();
            r.userMetadata().forEach((k, v) -> out.put(k.toLowerCase(java.util.Locale.ROOT), v));
            return Optional.of(Map.copyOf(out));
          } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
              return Optional.empty();
            }
            throw e;
          }
        });
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

  /**
   * Writes a stream of unknown length, in parts. Tried once: a stream cannot be read twice, so a
   * transient fault surfaces at once as a {@link StoreUnavailableException} for the caller to redo.
   */
  public void putStream(String key, InputStream in, String contentType) {
    withPolicy(new RetryPolicy(Duration.ZERO, Duration.ZERO, Duration.ZERO))
        .call(
            "put " + key,
            () ->
                client.putObject(
                    PutObjectArgs.builder()
                        .bucket(bucket)
                        .object(key)
                        .contentType(contentType)
                        .stream(in, -1, PART_SIZE)
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
              asyncClient.get(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            return Optional.of(in.readAllBytes());
          } catch (ErrorResponseException e) {
            if (isNotFound(e)) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  /**
   * The object's bytes in one request, as long as it has at most {@code maxBytes}; empty when there
   * is no such object. A larger object is not read: the response's {@code Content-Length} refuses
   * it before its body (the connection is dropped rather than drained), and a body without one is
   * read one byte past the limit at most. One round trip where a stat and a get take two.
   */
  public Optional<BoundedBytes> getAtMost(String key, int maxBytes) {
    if (maxBytes < 0 || maxBytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
    }
    return call(
        "get " + key,
        () -> {
          try (GetObjectResponse in =
              asyncClient.get(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
            String length = in.headers().get("Content-Length");
            long declared = length == null ? -1 : Long.parseLong(length.trim());
            if (declared > maxBytes) {
              return Optional.of(BoundedBytes.tooLarge(declared));
            }
            if (declared >= 0) {
              // Straight into an array of the declared size: readNBytes(limit) gathers 8 KiB
              // pieces and copies them into the result again.
              byte[] bytes = new byte[(int) declared];
              int n = in.readNBytes(bytes, 0, bytes.length);
              if (n < bytes.length) { // the HTTP client throws first; a short body is a fault
                throw new EOFException(
                    key + " ended after " + n + " of its " + declared + " bytes");
              }
              return Optional.of(BoundedBytes.of(bytes));
            }
            byte[] bytes = in.readNBytes(maxBytes + 1);
            return Optional.of(
                bytes.length > maxBytes ? BoundedBytes.tooLarge(-1) : BoundedBytes.of(bytes));
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
              asyncClient.get(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
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
                // Written by this or another version of the pipeline: fields added since are
                // ignored, as in messages.
                return MessageCodec.documentReader().forType(type).readValue(bytes);
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

  /** The most entries one {@link #listPage} call returns: S3's own page size. */
  public static final int MAX_PAGE = 1000;

  /**
   * One page of what lies under {@code prefix}, in key order, after the key {@code after}: one S3
   * list request of {@code limit + 1} keys (the extra one says whether there is a next page), so
   * its cost depends on the page size, not on how many objects the prefix holds.
   *
   * @param delimited {@code false}: every object below {@code prefix}, recursively ({@link
   *     ListPage#objects}); {@code true}: only the names of its immediate sub-folders ({@link
   *     ListPage#prefixes}), e.g. model names, without walking what lies below them
   * @param after a key under {@code prefix} (a previous page's {@link KeyPage#next}), or null for
   *     the first page
   * @param limit 1 to {@link #MAX_PAGE}
   */
  public KeyPage listPage(String prefix, boolean delimited, String after, int limit) {
    if (limit < 1 || limit > MAX_PAGE) {
      throw new IllegalArgumentException(
          "a page holds 1 to " + MAX_PAGE + " entries, was " + limit);
    }
    if (after != null && !after.startsWith(prefix)) {
      throw new IllegalArgumentException("the cursor is not a key under " + prefix);
    }
    return call(
        "list a page of " + prefix,
        () -> {
          ListObjectsArgs.Builder args =
              ListObjectsArgs.builder()
                  .bucket(bucket)
                  .prefix(prefix)
                  // One request, unless the page is S3's largest: then the extra key costs one.
                  .maxKeys(Math.min(limit + 1, MAX_PAGE));
          if (delimited) {
            args.delimiter("/");
          } else {
            args.recursive(true);
          }
          if (after != null) {
            // ListObjects v1's marker: S3Proxy refuses v2's start-after together with the
            // continuation token the client sends when a page runs on (folder placeholders).
            args.useApiVersion1(true).marker(after);
          }
          List<ObjectInfo> objects = new ArrayList<>();
          List<String> prefixes = new ArrayList<>();
          String last = null;
          boolean more = false;
          for (Result<Item> r : client.listObjects(args.build())) {
            Item item = r.get();
            String key = item.objectName();
            String name = null;
            if (delimited) {
              String rest = key.substring(prefix.length());
              int slash = rest.indexOf('/');
              if (slash <= 0 || slash != rest.length() - 1) {
                continue; // an object beside the sub-folders
              }
              name = rest.substring(0, slash);
            } else if (item.isDir() || key.endsWith("/")) {
              continue; // a folder placeholder, which some servers list
            }
            if (objects.size() + prefixes.size() == limit) {
              more = true;
              break; // the (limit + 1)th entry: there is a next page
            }
            if (delimited) {
              prefixes.add(name);
              // Every key below this sub-folder sorts before {prefix}{name}0 ('/' < '0'), so the
              // next page starts after all of them.
              last = prefix + name + "0";
            } else {
              objects.add(
                  new ObjectInfo(
                      key,
                      item.size(),
                      item.etag(),
                      item.lastModified() == null ? null : item.lastModified().toInstant()));
              last = key;
            }
          }
          return new KeyPage(objects, prefixes, Optional.ofNullable(more ? last : null));
        });
  }

  /**
   * One page of the objects under {@code prefix}, recursively, in key order: at most {@code
   * maxKeys}, starting after the key {@code startAfter} (none: from the first). One request to the
   * store, whatever the number of objects below ({@link #listPage(String, boolean, String, int)}).
   */
  public ListPage<ObjectInfo> listPage(String prefix, String startAfter, int maxKeys) {
    KeyPage page = listPage(prefix, false, startAfter, maxKeys);
    return new ListPage<>(
        page.objects(),
        page.next().isPresent()
            ? Optional.of(page.objects().get(page.objects().size() - 1).key())
            : Optional.empty());
  }

  /**
   * One page of the immediate "sub-folders" of {@code prefix} (as {@link #listPrefixes}), in the
   * store's order of {@code name + "/"}: at most {@code maxNames}, starting after the name {@code
   * afterName} (none: from the first). One delimited request, whatever lies below.
   */
  public ListPage<String> listPrefixesPage(String prefix, String afterName, int maxNames) {
    // Every key below "<prefix><name>/" sorts before "<prefix><name>0" ('/' < '0'), so the
    // listing resumes at the next name, not inside this one.
    KeyPage page =
        listPage(prefix, true, afterName == null ? null : prefix + afterName + "0", maxNames);
    return new ListPage<>(
        page.prefixes(),
        page.next().isPresent()
            ? Optional.of(page.prefixes().get(page.prefixes().size() - 1))
            : Optional.empty());
  }

  /** A multipart upload that was started and neither completed nor aborted. */
  public record IncompleteUpload(String key, String uploadId, Instant initiated) {}

  /**
   * Up to {@code max} incomplete multipart uploads of the bucket (S3 ListMultipartUploads: one
   * request, the oldest keys first). Parts of an upload that never completes (its writer killed)
   * are invisible but kept, and billed, until it is aborted.
   */
  public List<IncompleteUpload> incompleteUploads(int max) {
    return call(
        "list incomplete uploads",
        () -> {
          List<IncompleteUpload> out = new ArrayList<>();
          var result =
              asyncClient
                  .listMultipartUploadsAsync(
                      bucket,
                      null,
                      null,
                      null,
                      null,
                      Math.min(max, MAX_PAGE),
                      null,
                      null,
                      null,
                      null)
                  .get()
                  .result();
          if (result.uploads() != null) {
            for (io.minio.messages.Upload u : result.uploads()) {
              out.add(
                  new IncompleteUpload(
                      u.objectName(),
                      u.uploadId(),
                      u.initiated() == null ? null : u.initiated().toInstant()));
            }
          }
          return out;
        });
  }

  /** Aborts a multipart upload: its parts are deleted; an unknown upload is not an error. */
  public void abortUpload(String key, String uploadId) {
    call(
        "abort upload of " + key,
        () -> {
          try {
            asyncClient.abortMultipartUploadAsync(bucket, null, key, uploadId, null, null).get();
          } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof ErrorResponseException ere
                && "NoSuchUpload".equals(ere.errorResponse().code())) {
              return null;
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
          }
          return null;
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

  private <T> T call(String what, Retrier.Call<T> action) {
    Retrier.Call<T> interruptible =
        () -> {
          try {
            return action.run();
          } catch (InterruptedIOException e) {
            // An exchange or a body read on this thread (PlainHttp) that an interrupt ended: a
            // stop, as the wait on OkHttp's future was, not a store fault. A time-out stays one.
            if (!Thread.interrupted()) {
              throw e;
            }
            InterruptedException interrupted = new InterruptedException("interrupted");
            interrupted.initCause(e);
            throw interrupted;
          }
        };
    try {
      return retrier.call(what, interruptible, deadline);
    } catch (Retrier.GaveUp e) {
      Throwable cause = e.getCause();
      String message =
          "object store: "
              + what
              + " failed"
              + (e.attempts() > 1 ? " after " + e.attempts() + " attempts" : "")
              + ": "
              + describe(cause);
      if (e.transientFault()) {
        throw new StoreUnavailableException(message, cause);
      }
      throw new StoreException(message, cause);
    }
  }

  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ErrorResponseException ere) {
        String code = ere.errorResponse().code();
        return "SlowDown".equals(code)
            || "InternalError".equals(code)
            || "ServiceUnavailable".equals(code)
            || "RequestTimeout".equals(code)
            || "RequestTimeTooSkewed".equals(code);
      }
      if (t instanceof io.minio.errors.ServerException) {
        return true; // an HTTP 5xx without an S3 error document
      }
    }
    return Faults.isTransient(e);
  }

  private static String describe(Throwable e) {
    if (e instanceof ErrorResponseException ere) {
      return ere.errorResponse().code() + ": " + ere.errorResponse().message();
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
