package io.cyclegan.model.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.StateDictFiles.Format;
import io.cyclegan.model.train.TrainingCheckpoint;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelExportTest {

  @TempDir Path tmp;

  @Test
  void shouldExportAnImportThatReadsBackBitForBitInBothFormats() throws Exception {
    StateDict original = PthReader.read(Fixtures.file("generator.pth"));
    StateDict other = SafeTensors.read(Fixtures.file("generator.safetensors")).stateDict();
    TensorArchive.Contents archive = archive(ModelImport.of(original, other));

    for (Format format : Format.values()) {
      List<Path> files = ModelExport.write(archive, format, tmp.resolve(format.extension()));
      assertThat(files)
          .extracting(p -> p.getFileName().toString())
          .containsExactly(
              "latest_net_G_A." + format.extension(), "latest_net_G_B." + format.extension());
      for (Path f : files) {
        StateDictFiles.Read back = StateDictFiles.read(f);
        assertThat(back.format()).isEqualTo(format);
        assertThat(back.stateDict().tensors().keySet())
            .containsExactlyElementsOf(original.tensors().keySet());
        for (Map.Entry<String, HostTensor> e : original.tensors().entrySet()) {
          assertThat(
                  Fixtures.bitIdentical(back.stateDict().tensors().get(e.getKey()), e.getValue()))
              .as(f.getFileName() + " " + e.getKey())
              .isTrue();
        }
      }
    }
  }

  @Test
  void shouldWriteATorchArchiveWithAlignedStoredRecords() throws Exception {
    TensorArchive.Contents archive =
        archive(ModelImport.of(PthReader.read(Fixtures.file("generator.pth")), null));
    List<Path> files = ModelExport.write(archive, Format.PTH, tmp);
    assertThat(files).hasSize(1);
    try (ZipFile zip = new ZipFile(files.get(0).toFile())) {
      assertThat(zip.getEntry("latest_net_G_A/data.pkl")).isNotNull();
      assertThat(zip.getEntry("latest_net_G_A/version")).isNotNull();
      assertThat(zip.getEntry("latest_net_G_A/data/23")).isNotNull();
      assertThat(zip.stream()).allMatch(e -> e.getMethod() == java.util.zip.ZipEntry.STORED);
    }
    byte[] bytes = Files.readAllBytes(files.get(0));
    // The first storage's bytes start on a 64-byte boundary, as torch's own writer places them.
    byte[] first = new byte[16];
    java.nio.ByteBuffer.wrap(first)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .asFloatBuffer()
        .put(
            PthReader.read(Fixtures.file("generator.pth")).tensors().get("model.1.weight").data(),
            0,
            4);
    int at = indexOf(bytes, first);
    assertThat(at).isPositive();
    assertThat(at % 64).isZero();
  }

  private static TensorArchive.Contents archive(ModelImport imported) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    imported.write(out, 32, Map.of());
    return TensorArchive.read(
        new ByteArrayInputStream(out.toByteArray()), TrainingCheckpoint.EXPORT_MAGIC);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
