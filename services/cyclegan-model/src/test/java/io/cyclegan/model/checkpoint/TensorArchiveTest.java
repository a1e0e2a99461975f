package io.cyclegan.model.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TensorArchiveTest {

  private static byte[] archive() throws Exception {
    JsonObject header = new JsonObject();
    header.addProperty("epoch", 3);
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("a/w", new HostTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    t.put("b", new HostTensor(new long[] {}, new float[] {-0.5f}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TensorArchive.write(out, "TESTARCH", header, t);
    return out.toByteArray();
  }

  @Test
  void shouldRoundTripHeaderAndTensorsInOrder() throws Exception {
    TensorArchive.Contents c = TensorArchive.read(new ByteArrayInputStream(archive()), "TESTARCH");
    assertThat(c.version()).isEqualTo(TensorArchive.FORMAT_VERSION);
    assertThat(c.header().get("epoch").getAsInt()).isEqualTo(3);
    assertThat(c.tensors()).containsOnlyKeys("a/w", "b");
    assertThat(c.tensors().get("a/w").shape()).containsExactly(2, 3);
    assertThat(c.tensors().get("a/w").data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(c.tensors().get("b").data()).containsExactly(-0.5f);
  }

  @Test
  void shouldWriteTheSameBytesWhenTensorsComeFromNativeArrays() throws Exception {
    // Checkpoints stream live arrays (NativeTensor) instead of heap copies (HostTensor): the
    // archive must not tell them apart. 70000 values span several write chunks; the moment
    // views of a flat optimizer state are slices, so a slice is written too.
    float[] big = new float[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = i * 0.25f - 7;
    }
    JsonObject header = new JsonObject();
    try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
      ai.djl.ndarray.NDArray array = m.create(big, new ai.djl.ndarray.types.Shape(700, 100));
      ai.djl.ndarray.NDArray slice =
          array.reshape(-1).get(new ai.djl.ndarray.index.NDIndex("100:106")).reshape(2, 3);
      Map<String, ArchiveTensor> fromNative = new LinkedHashMap<>();
      fromNative.put("big", new NativeTensor(array));
      fromNative.put("slice", new NativeTensor(slice));
      Map<String, ArchiveTensor> fromHost = new LinkedHashMap<>();
      fromHost.put("big", HostTensor.of(array));
      fromHost.put("slice", HostTensor.of(slice));
      ByteArrayOutputStream a = new ByteArrayOutputStream();
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      TensorArchive.write(a, "TESTARCH", header, fromNative);
      TensorArchive.write(b, "TESTARCH", header, fromHost);
      assertThat(a.toByteArray()).isEqualTo(b.toByteArray());
      TensorArchive.Contents c =
          TensorArchive.read(new ByteArrayInputStream(a.toByteArray()), "TESTARCH");
      assertThat(c.tensors().get("slice").data())
          .containsExactly(18, 18.25f, 18.5f, 18.75f, 19, 19.25f);
    }
  }

  @Test
  void shouldRefuseEveryTruncation() throws Exception {
    byte[] bytes = archive();
    for (int len = 0; len < bytes.length; len++) {
      byte[] cut = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> TensorArchive.read(new ByteArrayInputStream(cut), "TESTARCH"))
          .as("length %d", len)
          .isInstanceOf(CorruptCheckpointException.class);
    }
  }

  @Test
  void shouldRefuseEverySingleBitFlip() throws Exception {
    byte[] bytes = archive();
    for (int i = 0; i < bytes.length; i++) {
      byte[] bad = bytes.clone();
      bad[i] ^= 0x04;
      assertThatThrownBy(() -> TensorArchive.read(new ByteArrayInputStream(bad), "TESTARCH"))
          .as("byte %d", i)
          .isInstanceOf(CorruptCheckpointException.class);
    }
  }

  @Test
  void shouldNameExpectedKindWhenMagicDiffers() {
    byte[] junk = "PNG not a checkpoint at all".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> TensorArchive.read(new ByteArrayInputStream(junk), "CGANCKPT"))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("not a CycleGAN archive of kind CGANCKPT");
  }

  @Test
  void shouldListEveryDifferenceWhenArchitecturesDiffer() {
    Architecture stored = new Architecture(6, 64, 64);
    assertThatThrownBy(() -> stored.requireSameAs(new Architecture(9, 32, 64), true))
        .isInstanceOf(IncompatibleCheckpointException.class)
        .hasMessageContaining("generatorBlocks: checkpoint 6, requested 9")
        .hasMessageContaining("ngf: checkpoint 64, requested 32");
  }
}
