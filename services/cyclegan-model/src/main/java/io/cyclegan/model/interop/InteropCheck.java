package io.cyclegan.model.interop;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.checkpoint.TensorArchive;
import io.cyclegan.model.interop.StateDictFiles.Format;
import io.cyclegan.model.train.TrainingCheckpoint;
import io.cyclegan.model.translate.CycleGanTranslator;
import io.cyclegan.model.translate.Direction;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Java half of {@code scripts/check-interop.sh}: imports a PyTorch generator state_dict the way
 * {@code cyclegan models import} does, translates every {@code input_*} tensor of a safetensors
 * file A to B (writing {@code output_*} to {@code java-outputs.safetensors}), and exports the model
 * back as {@code latest_net_G_A.pth} and {@code .safetensors}, all into OUT_DIR.
 *
 * <p>Usage: {@code InteropCheck STATE_DICT INPUTS.safetensors OUT_DIR}
 */
public final class InteropCheck {

  private InteropCheck() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: InteropCheck STATE_DICT INPUTS.safetensors OUT_DIR");
      System.exit(2);
    }
    Path out = Files.createDirectories(Path.of(args[2]));
    StateDictFiles.Read read = StateDictFiles.read(Path.of(args[0]));
    ModelImport imported = ModelImport.of(read.stateDict(), null);
    System.out.printf("imported %s: %s%n", read.format(), imported.describe());
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    imported.write(archive, 256, Map.of());
    byte[] bytes = archive.toByteArray();

    Map<String, HostTensor> outputs = new LinkedHashMap<>();
    Map<String, HostTensor> inputs = SafeTensors.read(Path.of(args[1])).stateDict().tensors();
    try (CycleGanTranslator t =
            CycleGanTranslator.load(new ByteArrayInputStream(bytes), Device.cpu());
        NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      for (Map.Entry<String, HostTensor> e : inputs.entrySet()) {
        if (e.getKey().startsWith("input_")) {
          try (NDManager call = manager.newSubManager()) {
            float[] y = t.translate(e.getValue().toArray(call), Direction.A_TO_B).toFloatArray();
            outputs.put(
                "output_" + e.getKey().substring(6), new HostTensor(e.getValue().shape(), y));
          }
        }
      }
    }
    try (OutputStream o = Files.newOutputStream(out.resolve("java-outputs.safetensors"))) {
      SafeTensors.write(o, outputs, Map.of());
    }
    TensorArchive.Contents contents =
        TensorArchive.read(new ByteArrayInputStream(bytes), TrainingCheckpoint.EXPORT_MAGIC);
    for (Format f : Format.values()) {
      System.out.println("exported " + ModelExport.write(contents, f, out));
    }
  }
}
