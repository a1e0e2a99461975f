package io.cyclegan.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.common.store.ObjectKeys;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class DatasetCacheIT {

  private static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void shouldReuseValidFilesAndRefetchDamagedOnesWhenSyncedAgain(
      LocalStack stack, @TempDir Path dir) throws Exception {
    ObjectStore store = io.cyclegan.common.testkit.StackKit.store(stack);
    String dataset = "cache-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] one = "first image".getBytes(StandardCharsets.UTF_8);
    byte[] two = "second image".getBytes(StandardCharsets.UTF_8);
    store.put(ObjectKeys.datasetImage(dataset, "A", sha(one)), one, "image/png");
    store.put(ObjectKeys.datasetImage(dataset, "A", sha(two)), two, "image/png");
    DatasetCache cache = new DatasetCache(store, dir);

    DatasetCache.Sync first = cache.sync(dataset, "A", () -> false);
    assertThat(first.downloaded()).isEqualTo(2);
    assertThat(first.files())
        .allSatisfy(f -> assertThat(f).startsWith(dir.resolve(dataset).resolve("A")));

    Path damaged = dir.resolve(dataset).resolve("A").resolve(sha(two) + ".png");
    Files.write(damaged, "second imagX".getBytes(StandardCharsets.UTF_8));
    Files.write(dir.resolve(dataset).resolve("A").resolve("stale.png"), one);
    DatasetCache.Sync second = cache.sync(dataset, "A", () -> false);
    assertThat(second.downloaded()).isEqualTo(1);
    assertThat(second.reused()).isEqualTo(1);
    assertThat(Files.readAllBytes(damaged)).isEqualTo(two);
    assertThat(dir.resolve(dataset).resolve("A").resolve("stale.png")).doesNotExist();

    assertThatThrownBy(() -> cache.sync(dataset, "B", () -> false))
        .isInstanceOf(DatasetCache.EmptyDomainException.class)
        .hasMessageContaining(dataset)
        .hasMessageContaining("domain B");
  }
}
