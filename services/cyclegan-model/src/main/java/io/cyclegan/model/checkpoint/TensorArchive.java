package io.cyclegan.model.checkpoint;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The one framed stream format of checkpoints and exports:
 *
 * <pre>
 * magic (8 ASCII bytes) | format version (int) | header length (int) | header (UTF-8 JSON)
 * | tensor count (int) | per tensor: name (modified UTF-8), rank (int), dims (long each),
 *   float32 little-endian values
 * | "CGAN-END" | CRC-32 of everything before it (long)
 * </pre>
 *
 * Integers are big-endian ({@link DataOutputStream}). A reader verifies the CRC before returning
 * anything, so a truncated or damaged stream is refused whole, never half-loaded.
 */
public final class TensorArchive {

  /** The current format version. */
  public static final int FORMAT_VERSION = 1;

  private static final byte[] END = "CGAN-END".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_HEADER_BYTES = 16 << 20;
  private static final int MAX_TENSORS = 1 << 20;
  private static final int MAX_RANK = 8;

  private TensorArchive() {}

  /**
   * A read archive.
   *
   * @param magic the 8-byte kind marker
   * @param version the format version
   * @param header the JSON header
   * @param tensors the tensors in stored order
   */
  public record Contents(
      String magic, int version, JsonObject header, Map<String, HostTensor> tensors) {}

  /** Writes an archive; flushes but does not close {@code out}. */
  public static void write(
      OutputStream out,
      String magic,
      JsonObject header,
      Map<String, ? extends ArchiveTensor> tensors)
      throws IOException {
    byte[] magicBytes = magicBytes(magic);
    CRC32 crc = new CRC32();
    BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
    DataOutputStream data = new DataOutputStream(new CheckedOutputStream(buffered, crc));
    data.write(magicBytes);
    data.writeInt(FORMAT_VERSION);
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    data.writeInt(json.length);
    data.write(json);
    data.writeInt(tensors.size());
    for (Map.Entry<String, ? extends ArchiveTensor> e : tensors.entrySet()) {
      ArchiveTensor t = e.getValue();
      data.writeUTF(e.getKey());
      data.writeInt(t.shape().length);
      for (long d : t.shape()) {
        data.writeLong(d);
      }
      t.writeValues(data);
    }
    data.write(END);
    data.flush();
    DataOutputStream trailer = new DataOutputStream(buffered);
    trailer.writeLong(crc.getValue());
    trailer.flush();
  }

  /** Reads and verifies an archive of kind {@code expectedMagic}; does not close {@code in}. */
  public static Contents read(InputStream in, String... expectedMagic) throws IOException {
    CRC32 crc = new CRC32();
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    DataInputStream data = new DataInputStream(new CheckedInputStream(buffered, crc));
    try {
      byte[] magicBytes = new byte[8];
      data.readFully(magicBytes);
      String magic = new String(magicBytes, StandardCharsets.US_ASCII);
      if (!Arrays.asList(expectedMagic).contains(magic)) {
        throw new CorruptCheckpointException(
            "not a CycleGAN archive of kind "
                + String.join(" or ", expectedMagic)
                + " (stream starts with \""
                + magic.replaceAll("\\P{Print}", "?")
                + "\")");
      }
      int version = data.readInt();
      if (version < 1 || version > FORMAT_VERSION) {
        throw new CorruptCheckpointException(
            "archive format version "
                + version
                + " is not supported (this code reads 1 to "
                + FORMAT_VERSION
                + ")");
      }
      int headerLength = bounded("header length", data.readInt(), MAX_HEADER_BYTES);
      byte[] json = new byte[headerLength];
      data.readFully(json);
      JsonObject header;
      try {
        header = JsonParser.parseString(new String(json, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (RuntimeException e) {
        throw new CorruptCheckpointException("archive header is not a JSON object", e);
      }
      int count = bounded("tensor count", data.readInt(), MAX_TENSORS);
      Map<String, HostTensor> tensors = new LinkedHashMap<>();
      for (int i = 0; i < count; i++) {
        String name = data.readUTF();
        int rank = bounded("rank of " + name, data.readInt(), MAX_RANK);
        long[] shape = new long[rank];
        long size = 1;
        for (int d = 0; d < rank; d++) {
          shape[d] = data.readLong();
          if (shape[d] < 0 || shape[d] > Integer.MAX_VALUE) {
            throw new CorruptCheckpointException("tensor " + name + " has dimension " + shape[d]);
          }
          size *= shape[d];
          if (size > Integer.MAX_VALUE) {
            throw new CorruptCheckpointException("tensor " + name + " is too large");
          }
        }
        tensors.put(name, new HostTensor(shape, readFloats(data, (int) size)));
      }
      byte[] end = new byte[END.length];
      data.readFully(end);
      long computed = crc.getValue();
      if (!Arrays.equals(end, END)) {
        throw new CorruptCheckpointException("archive end marker missing: stream is damaged");
      }
      long stored = new DataInputStream(buffered).readLong();
      if (stored != computed) {
        throw new CorruptCheckpointException(
            "archive checksum mismatch (stored "
                + Long.toHexString(stored)
                + ", computed "
                + Long.toHexString(computed)
                + "): stream is damaged");
      }
      return new Contents(magic, version, header, tensors);
    } catch (EOFException e) {
      throw new CorruptCheckpointException("archive is truncated: the stream ended early", e);
    }
  }

  private static int bounded(String what, int value, int max) throws CorruptCheckpointException {
    if (value < 0 || value > max) {
      throw new CorruptCheckpointException(
          what + " " + value + " is out of range [0, " + max + "]");
    }
    return value;
  }

  private static float[] readFloats(DataInputStream in, int count) throws IOException {
    float[] values = new float[count];
    byte[] bytes = new byte[1 << 16];
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    while (i < count) {
      int n = Math.min(count - i, bytes.length / Float.BYTES);
      in.readFully(bytes, 0, n * Float.BYTES);
      buffer.clear();
      buffer.asFloatBuffer().get(values, i, n);
      i += n;
    }
    return values;
  }

  private static byte[] magicBytes(String magic) {
    byte[] b = magic.getBytes(StandardCharsets.US_ASCII);
    if (b.length != 8) {
      throw new IllegalArgumentException("magic must be 8 ASCII bytes, was \"" + magic + "\"");
    }
    return b;
  }
}
