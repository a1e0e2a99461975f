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
