package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {

  @Test
  void shouldRoundTripTensorsMetadataAndOrderWithAnAlignedHeader() throws Exception {
    Map<String, HostTensor> t = new LinkedHashMap<>();
    t.put("b.weight", new HostTensor(new long[] {2, 2}, new float[] {1, -0f, Float.NaN, 4}));
    t.put("a.bias", new HostTensor(new long[] {1}, new float[] {-0.5f}));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SafeTensors.write(out, t, Map.of("format", "pt"));
    byte[] bytes = out.toByteArray();

    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(headerLength % 8).isZero();
    SafeTensors.Contents c = SafeTensors.read(bytes);
    assertThat(c.metadata()).containsExactly(Map.entry("format", "pt"));
    assertThat(c.stateDict().tensors().keySet()).containsExactly("b.weight", "a.bias");
    for (String k : t.keySet()) {
      assertThat(Fixtures.bitIdentical(c.stateDict().tensors().get(k), t.get(k))).as(k).isTrue();
    }
  }

  @Test
  void shouldRefuseOffsetsThatLeaveAGap() {
    byte[] file =
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("tensor w starts at byte 4, expected 0");
  }

  @Test
  void shouldRefuseAShapeThatDisagreesWithTheOffsets() {
    byte[] file =
        file("{\"w\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8]);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("tensor w")
        .hasMessageContaining("needs 12 bytes, its offsets span 8");
  }

  @Test
  void shouldRefuseAHeaderLengthBeyondTheFile() {
    byte[] file = new byte[16];
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    assertThatThrownBy(() -> SafeTensors.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("header length");
  }

  @Test
  void shouldKeepOtherDtypesAsNamesOnly() throws Exception {
    byte[] file =
        file("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", new byte[8]);
    StateDict sd = SafeTensors.read(file).stateDict();
    assertThat(sd.tensors()).isEmpty();
    assertThat(sd.otherTensors()).containsExactly(Map.entry("n", "I64"));
  }

  private static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).put(data);
    return b.array();
  }
}
