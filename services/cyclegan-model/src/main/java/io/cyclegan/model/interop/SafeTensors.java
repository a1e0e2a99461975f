package io.cyclegan.model.interop;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The safetensors format: an unsigned 64-bit little-endian header length, a UTF-8 JSON header
 * ({@code name: {dtype, shape, data_offsets: [begin, end]}} and an optional {@code __metadata__} of
 * strings), then the tensors' little-endian bytes. As the reference implementation does, the reader
 * requires the tensors to tile the data exactly (no gaps, no overlaps, nothing after), so a file
 * has one meaning.
 */
public final class SafeTensors {

  /** The reference implementation's limit on the header. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final String METADATA = "__metadata__";

  private SafeTensors() {}

  /**
   * A read file.
   *
   * @param stateDict the tensors (float32 ones as values, others by element type)
   * @param metadata the {@code __metadata__} strings
   */
  public record Contents(StateDict stateDict, Map<String, String> metadata) {}

  /** Reads a file. */
  public static Contents read(Path file) throws IOException {
    if (Files.size(file) > Integer.MAX_VALUE - 64) {
      throw new CorruptCheckpointException(file.getFileName() + " is too large");
    }
    return read(Files.readAllBytes(file));
  }

  /** Reads the bytes of a file. */
  public static Contents read(byte[] bytes) throws IOException {
    if (bytes.length < 8) {
      throw new CorruptCheckpointException("safetensors file is shorter than its 8-byte header");
    }
    long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > bytes.length - 8) {
      throw new CorruptCheckpointException(
          "safetensors header length " + headerLength + " does not fit a file of " + bytes.length);
    }
    JsonObject header;
    try {
      String json = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
      header = JsonParser.parseString(json).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("safetensors header is not a JSON object", e);
    }
    int dataStart = 8 + (int) headerLength;
    long dataLength = bytes.length - dataStart;
    Map<String, String> metadata = new LinkedHashMap<>();
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals(METADATA)) {
        readMetadata(e.getValue(), metadata);
      } else {
        entries.add(entry(e.getKey(), e.getValue()));
      }
    }
    List<Entry> byOffset = new ArrayList<>(entries);
    byOffset.sort(Comparator.comparingLong(Entry::begin));
    long expected = 0;
    for (Entry e : byOffset) {
      if (e.begin != expected) {
        throw new CorruptCheckpointException(
            "tensor " + e.name + " starts at byte " + e.begin + ", expected " + expected);
      }
      expected = e.end;
    }
    if (expected != dataLength) {
      throw new CorruptCheckpointException(
          "tensors cover " + expected + " bytes of a data section of " + dataLength);
    }
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    Map<String, String> others = new LinkedHashMap<>();
    for (Entry e : entries) {
      if (OfficialLayout.isBatchCounter(e.name, e.shape)
          && e.dtype.equals("I64")
          && e.end - e.begin == Long.BYTES) {
        long v =
            ByteBuffer.wrap(bytes, dataStart + (int) e.begin, Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        tensors.put(e.name, new HostTensor(e.shape, new float[] {(float) v}));
        continue;
      }
      if (!e.dtype.equals("F32")) {
        others.put(e.name, e.dtype);
        continue;
      }
      float[] values = new float[(int) ((e.end - e.begin) / Float.BYTES)];
      ByteBuffer.wrap(bytes, dataStart + (int) e.begin, (int) (e.end - e.begin))
          .order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer()
          .get(values);
      tensors.put(e.name, new HostTensor(e.shape, values));
    }
    return new Contents(new StateDict(tensors, others), metadata);
  }

  /**
   * Writes float32 tensors in the given order with optional metadata, a batch norm's {@code
   * num_batches_tracked} as PyTorch's int64 ({@link OfficialLayout#isBatchCounter}); does not close
   * {@code out}.
   */
  public static void write(
      OutputStream out, Map<String, HostTensor> tensors, Map<String, String> metadata)
      throws IOException {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject m = new JsonObject();
      metadata.forEach(m::addProperty);
      header.add(METADATA, m);
    }
    long offset = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      JsonObject t = new JsonObject();
      boolean counter = OfficialLayout.isBatchCounter(e.getKey(), e.getValue().shape());
      t.addProperty("dtype", counter ? "I64" : "F32");
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offset += counter ? Long.BYTES : (long) e.getValue().data().length * Float.BYTES;
      offsets.add(offset);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
    }
    // Pad with spaces to 8 bytes, as the reference writer does, so the data is aligned.
    StringBuilder json = new StringBuilder(header.toString());
    while (json.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
      json.append(' ');
    }
    byte[] headerBytes = json.toString().getBytes(StandardCharsets.UTF_8);
    out.write(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerBytes.length).array());
    out.write(headerBytes);
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      if (OfficialLayout.isBatchCounter(e.getKey(), t.shape())) {
        out.write(
            ByteBuffer.allocate(Long.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong((long) t.data()[0])
                .array());
        continue;
      }
      ByteBuffer b =
          ByteBuffer.allocate(t.data().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      b.asFloatBuffer().put(t.data());
      out.write(b.array());
    }
    out.flush();
  }

  private record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private static Entry entry(String name, JsonElement value) throws CorruptCheckpointException {
    try {
      JsonObject o = value.getAsJsonObject();
      String dtype = o.get("dtype").getAsString();
      JsonArray s = o.getAsJsonArray("shape");
      long[] shape = new long[s.size()];
      long count = 1;
      for (int i = 0; i < shape.length; i++) {
        shape[i] = s.get(i).getAsLong();
        if (shape[i] < 0) {
          throw new CorruptCheckpointException("tensor " + name + " has a negative dimension");
        }
        count = Math.multiplyExact(count, shape[i]);
      }
      JsonArray offsets = o.getAsJsonArray("data_offsets");
      long begin = offsets.get(0).getAsLong();
      long end = offsets.get(1).getAsLong();
      if (offsets.size() != 2 || begin < 0 || end < begin) {
        throw new CorruptCheckpointException("tensor " + name + " has bad data_offsets");
      }
      int size = elementSize(dtype, name);
      if (Math.multiplyExact(count, size) != end - begin) {
        throw new CorruptCheckpointException(
            "tensor "
                + name
                + " of shape "
                + s
                + " and dtype "
                + dtype
                + " needs "
                + count * size
                + " bytes, its offsets span "
                + (end - begin));
      }
      return new Entry(name, dtype, shape, begin, end);
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("tensor " + name + " has a malformed header entry", e);
    }
  }

  private static int elementSize(String dtype, String name) throws CorruptCheckpointException {
    return switch (dtype) {
      case "F64", "I64", "U64" -> 8;
      case "F32", "I32", "U32" -> 4;
      case "F16", "BF16", "I16", "U16" -> 2;
      case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
      default ->
          throw new CorruptCheckpointException("tensor " + name + " has unknown dtype " + dtype);
    };
  }

  private static void readMetadata(JsonElement value, Map<String, String> into)
      throws CorruptCheckpointException {
    try {
      for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
        into.put(m.getKey(), m.getValue().getAsString());
      }
    } catch (RuntimeException e) {
      throw new CorruptCheckpointException("safetensors __metadata__ is not a map of strings", e);
    }
  }
}
