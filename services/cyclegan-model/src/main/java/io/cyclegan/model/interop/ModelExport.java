package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.IncompatibleCheckpointException;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.StateDictFiles.Format;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Our archives as official state_dicts: one file per network, named as the official code names its
 * checkpoints ({@code latest_net_G_A.pth}, {@code latest_net_D_B.safetensors}), holding exactly the
 * keys, in the order, its {@code ResnetGenerator} / {@code UnetGenerator} / {@code
 * NLayerDiscriminator} / {@code PixelDiscriminator} expect from {@code load_state_dict} (batch norm
 * statistics included, {@code num_batches_tracked} as int64). A generators export yields G_A and
 * G_B (or only G_A after a one-direction import); a full training checkpoint adds D_A and D_B.
 */
public final class ModelExport {

  /** The networks in the official order. */
  public static final List<String> NETWORKS = List.of("G_A", "G_B", "D_A", "D_B");

  private ModelExport() {}

  /** The state_dict of each network present in an archive, by network name. */
  public static Map<String, Map<String, HostTensor>> stateDicts(TensorArchive.Contents archive)
      throws CorruptCheckpointException {
    Map<String, Map<String, HostTensor>> out = new LinkedHashMap<>();
    for (String net : NETWORKS) {
      Map<String, HostTensor> sd = new LinkedHashMap<>();
      archive
          .tensors()
          .forEach(
              (k, v) -> {
                if (k.startsWith(net + "/")) {
                  sd.put(k.substring(net.length() + 1), v);
                }
              });
      if (!sd.isEmpty()) {
        out.put(net, official(net, sd));
      }
    }
    if (!out.containsKey("G_A")) {
      throw new CorruptCheckpointException("the archive holds no G_A generator");
    }
    return out;
  }

  /**
   * The state_dict checked against {@link OfficialLayout} and in its order (our archives keep a
   * network's batch norm statistics after its parameters; PyTorch interleaves them by layer).
   */
  private static Map<String, HostTensor> official(String net, Map<String, HostTensor> sd)
      throws CorruptCheckpointException {
    try {
      StateDict d = StateDict.of(sd);
      return net.startsWith("G")
          ? StateDictMapping.generator(d).tensors()
          : StateDictMapping.discriminator(d).tensors();
    } catch (IncompatibleCheckpointException e) {
      throw new CorruptCheckpointException(net + " is not an official network: " + e.getMessage());
    }
  }

  /**
   * Writes one file per network into {@code dir} (each written to a temporary file and moved into
   * place), returning the paths in {@link #NETWORKS} order.
   */
  public static List<Path> write(TensorArchive.Contents archive, Format format, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, Map<String, HostTensor>> e : stateDicts(archive).entrySet()) {
      String stem = "latest_net_" + e.getKey();
      Path target = dir.resolve(stem + "." + format.extension());
      Path tmp = Files.createTempFile(dir, stem, ".tmp");
      try {
        try (OutputStream out = Files.newOutputStream(tmp)) {
          write(out, format, stem, e.getValue());
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
      written.add(target);
    }
    return written;
  }

  /** Writes one state_dict; {@code name} is the zip folder of a .pth (torch uses the stem). */
  public static void write(
      OutputStream out, Format format, String name, Map<String, HostTensor> stateDict)
      throws IOException {
    if (format == Format.PTH) {
      PthWriter.write(out, name, stateDict);
    } else {
      SafeTensors.write(out, stateDict, Map.of("format", "pt"));
    }
  }
}
