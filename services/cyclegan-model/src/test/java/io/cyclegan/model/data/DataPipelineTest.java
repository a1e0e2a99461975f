package io.cyclegan.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.model.SplitMix64;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataPipelineTest {

  @Test
  void shouldLoadOneChannelAsPilLuma() {
    BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xFF0000);
    image.setRGB(1, 0, 0x00FF00);
    image.setRGB(2, 0, 0x0000FF);
    float[] gray = ImageTensors.toChw(image, 1);
    // PIL: Image.new('RGB', ...).convert('L') gives 76, 150, 29 for pure red, green, blue
    assertThat(gray).containsExactly(76 / 127.5f - 1f, 150 / 127.5f - 1f, 29 / 127.5f - 1f);
    assertThat(ImageTensors.fromChw(gray, 0, 3, 1, 1).getRaster().getSample(0, 0, 0)).isEqualTo(76);
  }

  @Test
  void shouldAugmentToTheRequestedChannels() {
    BufferedImage image = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
    Augmentation augmentation = new Augmentation(10, 8);
    assertThat(augmentation.apply(image, SplitMix64.forItem(1, 0), 1)).hasSize(64);
    assertThat(augmentation.apply(image, SplitMix64.forItem(1, 0))).hasSize(3 * 64);
  }

  /** A gradient image whose pixel (x, y) has red x*8 and green y*8. */
  private static BufferedImage ramp(int size) {
    BufferedImage im = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        im.setRGB(x, y, ((x * 8) << 16) | ((y * 8) << 8) | 255);
      }
    }
    return im;
  }

  @Test
  void shouldCropFlipAndScaleToUnitRangeWhenAugmenting() {
    Augmentation aug = new Augmentation(16, 8);
    Set<String> crops = new HashSet<>();
    boolean sawFlip = false;
    for (int i = 0; i < 50; i++) {
      float[] chw = aug.apply(ramp(16), new SplitMix64(i));
      assertThat(chw).hasSize(3 * 8 * 8);
      for (float v : chw) {
        assertThat(v).isBetween(-1f, 1f);
      }
      // Blue is 255 everywhere: exactly 1.
      assertThat(chw[2 * 64]).isEqualTo(1f);
      float left = chw[0];
      float right = chw[7];
      sawFlip |= right < left;
      crops.add(left + "/" + chw[64]);
      // Determinism: the same random stream gives the same pixels.
      assertThat(aug.apply(ramp(16), new SplitMix64(i))).containsExactly(chw);
    }
    assertThat(sawFlip).isTrue();
    assertThat(crops.size()).isGreaterThan(10);
  }

  @Test
  void shouldPairEveryShuffledAWithRandomBWhenSampling() {
    UnalignedSampler sampler = new UnalignedSampler(3, 4, 10);
    assertThat(sampler.epochLength()).isEqualTo(10);
    UnalignedSampler.Epoch e0 = sampler.epoch(0);
    List<Integer> as = new ArrayList<>();
    Set<Integer> bs = new HashSet<>();
    for (int i = 0; i < 10; i++) {
      as.add(e0.sample(i).indexA());
      bs.add(e0.sample(i).indexB());
      assertThat(sampler.epoch(0).sample(i).indexB()).isEqualTo(e0.sample(i).indexB());
    }
    // Ten draws over |A| = 4: each A appears 2 or 3 times (index % |A| over a permutation).
    for (int a = 0; a < 4; a++) {
      int a0 = a;
      assertThat(as.stream().filter(x -> x == a0).count()).isBetween(2L, 3L);
    }
    assertThat(bs.size()).isGreaterThan(3);
    List<Integer> e1 = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      e1.add(sampler.epoch(1).sample(i).indexB());
    }
    assertThat(e1).isNotEqualTo(bs.stream().toList());
  }

  @Test
  void shouldDeliverEpochInBatchesWithSmallerLastWhenPrefetching() throws Exception {
    List<BufferedImage> images = List.of(ramp(8), ramp(8), ramp(8));
    ImageSource source = ImageSource.ofImages(images);
    UnalignedSampler sampler = new UnalignedSampler(1, 3, 3);
    try (BatchPrefetcher p =
        new BatchPrefetcher(
            source, source, sampler.epoch(0), 3, new Augmentation(8, 8), 2, 0, 1, 3, 3)) {
      Batch first = p.next();
      Batch second = p.next();
      assertThat(first.count()).isEqualTo(2);
      assertThat(first.a()).hasSize(2 * 3 * 64);
      assertThat(second.count()).isEqualTo(1);
      assertThat(second.firstSample()).isEqualTo(2);
      assertThat(p.next()).isNull();
    }
  }

  @Test
  void shouldPrefetchEachDomainWithItsChannels() throws Exception {
    ImageSource source = ImageSource.ofImages(List.of(ramp(8), ramp(8)));
    UnalignedSampler sampler = new UnalignedSampler(1, 2, 2);
    try (BatchPrefetcher p =
        new BatchPrefetcher(
            source, source, sampler.epoch(0), 2, new Augmentation(8, 8), 2, 0, 1, 1, 3)) {
      Batch batch = p.next();
      assertThat(batch.a()).hasSize(2 * 64);
      assertThat(batch.b()).hasSize(2 * 3 * 64);
    }
  }

  @Test
  void shouldRethrowReadFailureOnTrainingThreadWhenSourceFails() {
    ImageSource broken =
        new ImageSource() {
          @Override
          public int size() {
            return 1;
          }

          @Override
          public BufferedImage load(int index) throws IOException {
            throw new IOException("disk on fire");
          }
        };
    UnalignedSampler sampler = new UnalignedSampler(1, 1, 1);
    try (BatchPrefetcher p =
        new BatchPrefetcher(
            broken, broken, sampler.epoch(0), 1, new Augmentation(8, 8), 1, 0, 1, 3, 3)) {
      assertThatThrownBy(p::next)
          .hasMessageContaining("cannot read a training image")
          .hasRootCauseMessage("disk on fire");
    }
  }
}
