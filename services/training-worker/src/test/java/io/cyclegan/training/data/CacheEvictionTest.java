package io.cyclegan.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheEvictionTest {

  /** A cached dataset of {@code bytes} bytes, last used {@code minutesAgo} minutes ago. */
  private static void dataset(Path cache, String name, int bytes, int minutesAgo) throws Exception {
    Path dir = Files.createDirectories(cache.resolve(name).resolve("A"));
    Files.write(dir.resolve("image.png"), new byte[bytes]);
    CacheEviction.touch(cache.resolve(name));
    Files.setLastModifiedTime(
        cache.resolve(name).resolve(CacheEviction.MARKER),
        FileTime.fromMillis(System.currentTimeMillis() - minutesAgo * 60_000L));
  }

  @Test
  void shouldEvictLeastRecentlyUsedDatasetsUntilUnderTheCap(@TempDir Path cache) throws Exception {
    dataset(cache, "oldest", 100, 30);
    dataset(cache, "older", 100, 20);
    dataset(cache, "recent", 100, 10);

    CacheEviction.Result r = CacheEviction.evict(cache, 150, Set.of());

    assertThat(r.evicted()).containsExactly("oldest", "older");
    assertThat(r.bytesAfter()).isEqualTo(100);
    assertThat(cache.resolve("oldest")).doesNotExist();
    assertThat(cache.resolve("recent").resolve("A").resolve("image.png")).exists();
  }

  @Test
  void shouldNeverEvictADatasetInUseEvenWhenItIsTheLeastRecentlyUsed(@TempDir Path cache)
      throws Exception {
    dataset(cache, "training", 100, 60);
    dataset(cache, "idle", 100, 5);
    Files.createDirectories(cache.resolve(".tmp"));
    Files.write(cache.resolve(".tmp").resolve("checkpoint.tmp"), new byte[500]);

    CacheEviction.Result r = CacheEviction.evict(cache, 50, Set.of("training"));

    assertThat(r.evicted()).containsExactly("idle");
    assertThat(cache.resolve("training").resolve("A").resolve("image.png")).exists();
    assertThat(cache.resolve(".tmp").resolve("checkpoint.tmp")).exists();
  }

  @Test
  void shouldEvictNothingWithoutACap(@TempDir Path cache) throws Exception {
    dataset(cache, "a", 100, 30);

    assertThat(CacheEviction.evict(cache, 0, Set.of()).evicted()).isEmpty();
    assertThat(cache.resolve("a")).exists();
  }
}
