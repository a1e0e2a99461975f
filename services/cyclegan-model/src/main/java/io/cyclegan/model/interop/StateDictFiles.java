package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a state_dict file of either supported format, told apart by its first bytes. */
public final class StateDictFiles {

  /** The file formats that hold a state_dict. */
  public enum Format {
    /** {@code torch.save}: zip (torch 1.6 and later) or legacy. */
    PTH,
    /** safetensors. */
    SAFETENSORS;

    /** The file name extension, without the dot. */
    public String extension() {
      return this == PTH ? "pth" : "safetensors";
    }

    /** Parses {@code pth} or {@code safetensors} (case-insensitive). */
    public static Format parse(String s) {
      for (Format f : values()) {
        if (f.extension().equalsIgnoreCase(s)) {
          return f;
        }
      }
      throw new IllegalArgumentException("format must be pth or safetensors, was " + s);
    }
  }

  /**
   * A read file.
   *
   * @param format what it was
   * @param stateDict its tensors
   */
  public record Read(Format format, StateDict stateDict) {}

  private StateDictFiles() {}

  /** The format of a file: a zip or a pickle is a .pth, a length and a JSON object safetensors. */
  public static Format detect(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(9);
    }
    if (head.length >= 4 && head[0] == 'P' && head[1] == 'K') {
      return Format.PTH;
    }
    if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
      return Format.PTH;
    }
    if (head.length == 9 && head[8] == '{') {
      return Format.SAFETENSORS;
    }
    throw new CorruptCheckpointException(
        file.getFileName()
            + " is neither a PyTorch .pth state_dict (zip or legacy pickle) nor a .safetensors"
            + " file");
  }

  /** Reads a state_dict from a file of either format. */
  public static Read read(Path file) throws IOException {
    Format f = detect(file);
    return new Read(f, f == Format.PTH ? PthReader.read(file) : SafeTensors.read(file).stateDict());
  }
}
