package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.HostTensor;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state_dict as {@code torch.save} does (zip format, pickle protocol 2): {@code
 * <archive>/data.pkl} holding an {@code OrderedDict} of {@code _rebuild_tensor_v2} calls over
 * persistent storage ids, one stored record per tensor under {@code <archive>/data/} aligned to 64
 * bytes like torch's own writer, {@code version} and {@code byteorder}. The pickle uses only
 * globals that {@code torch.load(weights_only=True)} allows, so it loads under PyTorch's safe mode.
 */
public final class PthWriter {

  private static final int ALIGNMENT = 64;
  private static final int PADDING_FIELD_ID = 0x4246; // "FB", as torch's writer pads
  // 2000-01-01: a fixed time keeps exports byte-identical across runs.
  private static final long FIXED_TIME_MS = 946_684_800_000L;

  private PthWriter() {}

  /**
   * Writes {@code tensors} (state_dict key to float32 tensor; a batch norm's {@code
   * num_batches_tracked} as int64, as PyTorch has it) as a torch zip archive whose folder is {@code
   * archiveName} (torch uses the file's stem); does not close {@code out}.
   */
  public static void write(OutputStream out, String archiveName, Map<String, HostTensor> tensors)
      throws IOException {
    CountingStream counting = new CountingStream(out);
    ZipOutputStream zip = new ZipOutputStream(counting);
    String prefix = archiveName + "/";
    put(zip, counting, prefix + "data.pkl", pickle(tensors));
    int key = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      byte[] data =
          OfficialLayout.isBatchCounter(e.getKey(), t.shape())
              ? ByteBuffer.allocate(Long.BYTES)
                  .order(ByteOrder.LITTLE_ENDIAN)
                  .putLong((long) t.data()[0])
                  .array()
              : littleEndian(t.data());
      put(zip, counting, prefix + "data/" + key++, data);
    }
    put(zip, counting, prefix + "version", "3\n".getBytes(StandardCharsets.US_ASCII));
    put(zip, counting, prefix + "byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    zip.finish();
    zip.flush();
  }

  /** The pickle of {@code OrderedDict([(name, tensor), ...])}, storages keyed 0, 1, 2, ... */
  static byte[] pickle(Map<String, HostTensor> tensors) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0x80);
    p.write(2); // PROTO 2, as torch.save
    global(p, "collections", "OrderedDict");
    p.write(')');
    p.write('R');
    p.write('(');
    int key = 0;
    for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
      HostTensor t = e.getValue();
      unicode(p, e.getKey());
      global(p, "torch._utils", "_rebuild_tensor_v2");
      p.write('(');
      p.write('(');
      unicode(p, "storage");
      global(
          p,
          "torch",
          OfficialLayout.isBatchCounter(e.getKey(), t.shape()) ? "LongStorage" : "FloatStorage");
      unicode(p, Integer.toString(key++));
      unicode(p, "cpu");
      binint(p, t.data().length);
      p.write('t');
      p.write('Q'); // BINPERSID
      binint(p, 0);
      p.write('(');
      long stride = 1;
      long[] strides = new long[t.shape().length];
      for (int d = t.shape().length - 1; d >= 0; d--) {
        strides[d] = stride;
        stride *= t.shape()[d];
      }
      for (long d : t.shape()) {
        binint(p, d);
      }
      p.write('t');
      p.write('(');
      for (long s : strides) {
        binint(p, s);
      }
      p.write('t');
      p.write(0x89); // requires_grad False
      global(p, "collections", "OrderedDict");
      p.write(')');
      p.write('R'); // backward_hooks
      p.write('t');
      p.write('R');
    }
    p.write('u');
    p.write('.');
    return p.toByteArray();
  }

  private static void global(ByteArrayOutputStream p, String module, String name) {
    p.write('c');
    p.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void unicode(ByteArrayOutputStream p, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    p.write('X');
    p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
    p.writeBytes(b);
  }

  private static void binint(ByteArrayOutputStream p, long v) {
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("tensor dimension out of range: " + v);
    }
    p.write('J');
    p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  private static void put(ZipOutputStream zip, CountingStream counting, String name, byte[] data)
      throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    e.setTime(FIXED_TIME_MS);
    // Local header: 30 bytes + name + extra; pad the extra so the data starts aligned.
    long dataStart = counting.count + 30 + name.getBytes(StandardCharsets.UTF_8).length + 4;
    int pad = (int) ((ALIGNMENT - dataStart % ALIGNMENT) % ALIGNMENT);
    ByteBuffer extra = ByteBuffer.allocate(4 + pad).order(ByteOrder.LITTLE_ENDIAN);
    extra.putShort((short) PADDING_FIELD_ID).putShort((short) pad);
    e.setExtra(extra.array());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /** Counts the bytes that reach the underlying stream, to place each record's data. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
