package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PthReaderTest {

  @TempDir Path tmp;

  @Test
  void shouldReadZipLegacyAndSafetensorsFixturesToTheSameTensors() throws Exception {
    StateDict zip = PthReader.read(Fixtures.file("generator.pth"));
    StateDict legacy = PthReader.read(Fixtures.file("generator-legacy.pth"));
    StateDict safe = SafeTensors.read(Fixtures.file("generator.safetensors")).stateDict();

    assertThat(zip.tensors()).hasSize(24);
    assertThat(zip.otherTensors()).isEmpty();
    assertThat(zip.tensors().keySet()).startsWith("model.1.weight", "model.1.bias");
    assertThat(zip.tensors().get("model.1.weight").shape()).containsExactly(8, 3, 7, 7);
    assertThat(legacy.tensors().keySet()).containsExactlyElementsOf(zip.tensors().keySet());
    assertThat(safe.tensors().keySet()).containsExactlyElementsOf(zip.tensors().keySet());
    for (String k : zip.tensors().keySet()) {
      assertThat(Fixtures.bitIdentical(legacy.tensors().get(k), zip.tensors().get(k)))
          .as(k)
          .isTrue();
      assertThat(Fixtures.bitIdentical(safe.tensors().get(k), zip.tensors().get(k))).as(k).isTrue();
    }
  }

  @Test
  void shouldRefuseAPickleThatCallsOsSystemNamingTheGlobal() {
    assertThatThrownBy(() -> PthReader.read(Fixtures.file("malicious.pth")))
        .isInstanceOf(UnsafePickleException.class)
        .hasMessageContaining("global os.system")
        .hasMessageContaining("not allowed")
        .hasMessageContaining("torch._utils._rebuild_tensor_v2");
  }

  @Test
  void shouldRefuseTheBarePicklePayloadAtItsFirstGlobal() throws Exception {
    byte[] bytes = Files.readAllBytes(Fixtures.file("malicious.pkl"));
    assertThatThrownBy(() -> new StrictUnpickler(bytes, 0, bytes.length).load(pid -> null))
        .isInstanceOf(UnsafePickleException.class)
        .hasMessageContaining("global os.system at byte 2");
  }

  @Test
  void shouldRefuseBuiltinsReachedThroughStackGlobal() {
    // PROTO 4, SHORT_BINUNICODE 'builtins', SHORT_BINUNICODE 'eval', STACK_GLOBAL
    byte[] p =
        concat(
            new byte[] {(byte) 0x80, 4}, str8("builtins"), str8("eval"), new byte[] {(byte) 0x93});
    assertThatThrownBy(() -> new StrictUnpickler(p, 0, p.length).load(pid -> null))
        .isInstanceOf(UnsafePickleException.class)
        .hasMessageContaining("global builtins.eval");
  }

  @Test
  void shouldRefuseObjectBuildingOpcodesNamingThem() {
    // PROTO 2, GLOBAL collections.OrderedDict, EMPTY_TUPLE, NEWOBJ
    byte[] p =
        concat(
            new byte[] {(byte) 0x80, 2},
            "ccollections\nOrderedDict\n)".getBytes(StandardCharsets.US_ASCII),
            new byte[] {(byte) 0x81, '.'});
    assertThatThrownBy(() -> new StrictUnpickler(p, 0, p.length).load(pid -> null))
        .isInstanceOf(UnsafePickleException.class)
        .hasMessageContaining("0x81 (NEWOBJ)");
  }

  @Test
  void shouldRefuseCallingAStorageClass() {
    byte[] p =
        concat(
            new byte[] {(byte) 0x80, 2},
            "ctorch\nFloatStorage\n)R.".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> new StrictUnpickler(p, 0, p.length).load(pid -> null))
        .isInstanceOf(UnsafePickleException.class)
        .hasMessageContaining("calls torch.FloatStorage");
  }

  @Test
  void shouldRefuseATensorThatReachesBeyondItsStorage() throws Exception {
    Map<String, HostTensor> sd = new LinkedHashMap<>();
    sd.put("w", new HostTensor(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}));
    Path file = tmp.resolve("short.pth");
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("archive/data.pkl"));
      zip.write(PthWriter.pickle(sd));
      zip.putNextEntry(new ZipEntry("archive/data/0"));
      zip.write(new byte[4 * 4]); // four floats where the pickle promises six
      zip.putNextEntry(new ZipEntry("archive/version"));
      zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
    }
    assertThatThrownBy(() -> PthReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("tensor w reaches element 5 of a storage of 4");
  }

  @Test
  void shouldRefuseEveryTruncationOfALegacyFile() throws Exception {
    byte[] whole = Files.readAllBytes(Fixtures.file("generator-legacy.pth"));
    for (int cut : new int[] {1, 14, 200, whole.length / 2, whole.length - 1}) {
      Path file = tmp.resolve("cut-" + cut + ".pth");
      Files.write(file, Arrays.copyOf(whole, cut));
      assertThatThrownBy(() -> PthReader.read(file))
          .as("cut at " + cut)
          .isInstanceOf(CorruptCheckpointException.class);
    }
  }

  @Test
  void shouldRefuseSomethingThatIsNotAStateDict() throws Exception {
    Path file = tmp.resolve("text.pth");
    Files.writeString(file, "hello, world");
    assertThatThrownBy(() -> PthReader.read(file))
        .isInstanceOf(CorruptCheckpointException.class)
        .hasMessageContaining("neither a torch zip archive nor a legacy torch.save file");
  }

  private static byte[] str8(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return concat(new byte[] {(byte) 0x8c, (byte) b.length}, b);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
