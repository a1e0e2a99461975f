package io.cyclegan.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Bucket;
import io.minio.messages.Item;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class S3IT {

  private static final int MIB = 1024 * 1024;

  private final LocalStack stack;
  private final MinioClient minio;

  S3IT(LocalStack stack) {
    this.stack = stack;
    // The region is given so the client does not ask the server for the bucket's location.
    this.minio =
        MinioClient.builder()
            .endpoint(stack.s3Endpoint())
            .credentials(stack.accessKey(), stack.secretKey())
            .region(stack.region())
            .build();
  }

  @Test
  void shouldHaveDefaultBucketWhenStarted() throws Exception {
    assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(stack.bucket()).build()))
        .isTrue();
  }

  @Test
  void shouldListBucketWhenMade() throws Exception {
    String bucket = "made-" + UUID.randomUUID().toString().substring(0, 8);

    minio.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());

    assertThat(minio.listBuckets()).extracting(Bucket::name).contains(bucket, stack.bucket());
  }

  @Test
  void shouldPutGetStatListAndDeleteWhenObjectWritten() throws Exception {
    String prefix = "objects-" + UUID.randomUUID() + "/";
    String key = prefix + "hello.json";
    byte[] body = "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8);

    put(key, body, "application/json");

    assertThat(get(key)).containsExactly(body);
    StatObjectResponse stat =
        minio.statObject(StatObjectArgs.builder().bucket(stack.bucket()).object(key).build());
    assertThat(stat.size()).isEqualTo(body.length);
    assertThat(stat.contentType()).isEqualTo("application/json");
    assertThat(list(prefix)).containsExactly(key);

    minio.removeObject(RemoveObjectArgs.builder().bucket(stack.bucket()).object(key).build());

    assertThat(list(prefix)).isEmpty();
    assertThatThrownBy(
            () ->
                minio.statObject(
                    StatObjectArgs.builder().bucket(stack.bucket()).object(key).build()))
        .isInstanceOf(ErrorResponseException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void shouldStoreWholeObjectWhenUploadedInParts() throws Exception {
    String key = "multipart-" + UUID.randomUUID() + ".bin";
    byte[] body = new byte[12 * MIB];
    new Random(42).nextBytes(body);

    // A 5 MiB part size (S3's minimum) makes the client upload 12 MiB as three parts.
    minio.putObject(
        PutObjectArgs.builder().bucket(stack.bucket()).object(key).stream(
                new ByteArrayInputStream(body), body.length, 5 * MIB)
            .contentType("application/octet-stream")
            .build());

    StatObjectResponse stat =
        minio.statObject(StatObjectArgs.builder().bucket(stack.bucket()).object(key).build());
    assertThat(stat.size()).isEqualTo(body.length);
    // S3 marks a multipart object's ETag with "-<number of parts>".
    assertThat(stat.etag()).endsWith("-3");
    assertThat(get(key)).isEqualTo(body);
  }

  @Test
  void shouldServeOneWholeVersionWhenObjectIsOverwrittenDuringReads() throws Exception {
    // S3 serves either the old or the new object to a read that overlaps a write, never a mix.
    // Versions of varying length, each saying which one it is, overwrite one key while another
    // thread reads it: every read must be exactly one version.
    String key = "overwritten-" + UUID.randomUUID() + ".json";
    int versions = 200;
    put(key, version(0), "application/json");
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try {
      Future<?> writes =
          writer.submit(
              () -> {
                for (int v = 1; v <= versions; v++) {
                  put(key, version(v), "application/json");
                }
                return null;
              });
      int reads = 0;
      while (!writes.isDone() || reads == 0) {
        byte[] read = get(key);
        String text = new String(read, StandardCharsets.UTF_8);
        int v = Integer.parseInt(text.substring(text.indexOf('=') + 1, text.indexOf(';')));
        byte[] expected = version(v);
        assertThat(Arrays.equals(read, expected))
            .as("read %d: %d bytes, version %d has %d", reads, read.length, v, expected.length)
            .isTrue();
        reads++;
      }
      writes.get();
    } finally {
      writer.shutdownNow();
    }
  }

  /** Version {@code v} of an object: 1 to 64 KiB long, its number first. */
  private static byte[] version(int v) {
    int length = 1024 + (v * 7919) % (63 * 1024);
    StringBuilder text = new StringBuilder(length).append("v=").append(v).append(';');
    while (text.length() < length) {
      text.append((char) ('a' + (v + text.length()) % 26));
    }
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private void put(String key, byte[] body, String contentType) throws Exception {
    minio.putObject(
        PutObjectArgs.builder().bucket(stack.bucket()).object(key).stream(
                new ByteArrayInputStream(body), body.length, -1)
            .contentType(contentType)
            .build());
  }

  private byte[] get(String key) throws Exception {
    try (GetObjectResponse response =
        minio.getObject(GetObjectArgs.builder().bucket(stack.bucket()).object(key).build())) {
      return response.readAllBytes();
    }
  }

  private List<String> list(String prefix) throws Exception {
    List<String> keys = new ArrayList<>();
    for (Result<Item> result :
        minio.listObjects(
            ListObjectsArgs.builder()
                .bucket(stack.bucket())
                .prefix(prefix)
                .recursive(true)
                .build())) {
      Item item = result.get();
      // S3Proxy's filesystem store also lists the folders it made, as keys ending in '/'.
      if (!item.isDir() && !item.objectName().endsWith("/")) {
        keys.add(item.objectName());
      }
    }
    return keys;
  }
}
