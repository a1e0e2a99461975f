package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import io.cyclegan.model.checkpoint.HostTensor;
import io.cyclegan.model.interop.StrictUnpickler.StorageRef;
import io.cyclegan.model.interop.StrictUnpickler.TensorRef;
import io.cyclegan.model.interop.StrictUnpickler.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save(state_dict)} file without Python: the zip format of torch 1.6 and later
 * ({@code <archive>/data.pkl} plus one record per storage under {@code <archive>/data/}) and the
 * legacy format before it (magic number, protocol version and system-info pickles, the object
 * pickle, the storage key list, then each storage as an int64 element count and its bytes).
 *
 * <p>The pickle goes through {@link StrictUnpickler}, which refuses anything a state_dict does not
 * need. Every tensor view is bounds-checked against its storage, and every size against the file,
 * before a byte is copied.
 */
public final class PthReader {

  /** The first pickle of a legacy file, {@code torch.serialization.MAGIC_NUMBER}. */
  static final BigInteger LEGACY_MAGIC = new BigInteger("1950a86a20f9469cfc6c", 16);

  /** The second pickle of a legacy file. */
  static final long LEGACY_PROTOCOL = 1001;

  private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;
  private static final long MAX_PICKLE_BYTES = 64L << 20;

  private PthReader() {}

  /** Reads a {@code .pth} file in either format (told apart by its first bytes). */
  public static StateDict read(Path file) throws IOException {
    byte[] head = new byte[4];
    try (InputStream in = Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4) {
        throw new CorruptCheckpointException(file.getFileName() + " is too short for a .pth file");
      }
    }
    if (head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
      return readZip(file);
    }
    if ((head[0] & 0xff) == 0x80) {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new CorruptCheckpointException(file.getFileName() + " is too large");
      }
      return readLegacy(Files.readAllBytes(file));
    }
    throw new CorruptCheckpointException(
        file.getFileName()
            + " is neither a torch zip archive nor a legacy torch.save file (it starts with "
            + String.format("%02x %02x %02x %02x", head[0], head[1], head[2], head[3])
            + ")");
  }

  private static StateDict readZip(Path file) throws IOException {
    try (ZipFile zip = new ZipFile(file.toFile())) {
      String prefix = archivePrefix(zip);
      ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
      if (byteorder != null) {
        String order = new String(entryBytes(zip, byteorder, 16), StandardCharsets.US_ASCII);
        if (!order.strip().equals("little")) {
          throw new CorruptCheckpointException(
              "tensors are stored " + order.strip() + "-endian; only little-endian is supported");
        }
      }
      byte[] pickle = entryBytes(zip, zip.getEntry(prefix + "data.pkl"), MAX_PICKLE_BYTES);
      Map<String, StorageRef> storages = new HashMap<>();
      Object root =
          new StrictUnpickler(pickle, 0, pickle.length).load(pid -> storage(pid, 5, storages));
      Map<String, byte[]> bytes = new HashMap<>();
      for (StorageRef s : storages.values()) {
        ZipEntry e = zip.getEntry(prefix + "data/" + s.key());
        if (e == null) {
          throw new CorruptCheckpointException("archive lacks the record of storage " + s.key());
        }
        bytes.put(s.key(), entryBytes(zip, e, MAX_FILE_BYTES));
      }
      return toStateDict(root, bytes);
    } catch (ZipException e) {
      throw new CorruptCheckpointException(file.getFileName() + " is a damaged zip archive", e);
    }
  }

  /** {@code <name>/}, the one top-level folder that holds {@code data.pkl}. */
  private static String archivePrefix(ZipFile zip) throws CorruptCheckpointException {
    List<String> candidates = new ArrayList<>();
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      int slash = name.indexOf('/');
      if (slash > 0 && name.substring(slash + 1).equals("data.pkl")) {
        candidates.add(name.substring(0, slash + 1));
      }
    }
    if (candidates.size() != 1) {
      throw new CorruptCheckpointException(
          "a torch zip archive holds exactly one <name>/data.pkl, this one holds "
              + candidates.size());
    }
    return candidates.get(0);
  }

  private static byte[] entryBytes(ZipFile zip, ZipEntry e, long max) throws IOException {
    if (e.getSize() < 0 || e.getSize() > max) {
      throw new CorruptCheckpointException(
          "archive record " + e.getName() + " declares " + e.getSize() + " bytes");
    }
    try (InputStream in = zip.getInputStream(e)) {
      byte[] b = in.readNBytes((int) e.getSize());
      if (b.length != e.getSize() || in.read() != -1) {
        throw new CorruptCheckpointException(
            "archive record " + e.getName() + " does not hold its declared size");
      }
      return b;
    }
  }

  private static StateDict readLegacy(byte[] file) throws IOException {
    StrictUnpickler u = new StrictUnpickler(file, 0, file.length);
    StrictUnpickler.PersistentLoader none =
        pid -> {
          throw new CorruptCheckpointException("unexpected persistent id in a legacy header");
        };
    Object magic = u.load(none);
    if (!(magic instanceof BigInteger m && m.equals(LEGACY_MAGIC))) {
      throw new CorruptCheckpointException("not a torch.save file: wrong magic number " + magic);
    }
    Object protocol = u.load(none);
    if (!Long.valueOf(LEGACY_PROTOCOL).equals(protocol)) {
      throw new CorruptCheckpointException("legacy torch protocol " + protocol + " unsupported");
    }
    Object sysInfo = u.load(none);
    if (!(sysInfo instanceof Map<?, ?> info) || !Boolean.TRUE.equals(info.get("little_endian"))) {
      throw new CorruptCheckpointException("only little-endian legacy files are supported");
    }
    Map<String, StorageRef> storages = new HashMap<>();
    Object root = u.load(pid -> storage(pid, 6, storages));
    Object keys = u.load(none);
    if (!(keys instanceof List<?> keyList)) {
      throw new CorruptCheckpointException("legacy storage key list is missing");
    }
    int pos = u.position();
    Map<String, byte[]> bytes = new HashMap<>();
    for (Object k : keyList) {
      StorageRef s = storages.get(String.valueOf(k));
      if (s == null) {
        throw new CorruptCheckpointException("legacy file stores unreferenced storage " + k);
      }
      if (file.length - pos < 8) {
        throw new CorruptCheckpointException("legacy file is truncated at storage " + k);
      }
      long numel = ByteBuffer.wrap(file, pos, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      long length = numel * elementSize(s.dtype());
      pos += 8;
      if (numel != s.numel() || numel < 0 || length > file.length - pos) {
        throw new CorruptCheckpointException(
            "legacy storage " + k + " declares " + numel + " elements, pickle says " + s.numel());
      }
      byte[] b = new byte[(int) length];
      System.arraycopy(file, pos, b, 0, b.length);
      pos += b.length;
      bytes.put(s.key(), b);
    }
    if (bytes.size() != storages.size()) {
      throw new CorruptCheckpointException("legacy file lacks the bytes of some storages");
    }
    return toStateDict(root, bytes);
  }

  /**
   * A persistent id: zip {@code ('storage', type, key, location, numel)}, legacy the same plus a
   * view descriptor, which only torch before 0.4 wrote and which we refuse.
   */
  private static StorageRef storage(Tuple pid, int arity, Map<String, StorageRef> storages)
      throws IOException {
    List<Object> p = pid.items();
    if (p.size() != arity || !"storage".equals(p.get(0))) {
      throw new CorruptCheckpointException("unexpected persistent id " + p);
    }
    if (!(p.get(1) instanceof StrictUnpickler.Global type)
        || !(p.get(2) instanceof String key)
        || !(p.get(4) instanceof Long numel)) {
      throw new CorruptCheckpointException("malformed storage id " + p);
    }
    if (arity == 6 && p.get(5) != null) {
      throw new CorruptCheckpointException(
          "storage " + key + " is a view (torch before 0.4); re-save it with a newer torch");
    }
    String dtype = StrictUnpickler.STORAGE_DTYPES.get(type.name());
    StorageRef ref = new StorageRef(dtype, key, numel);
    StorageRef before = storages.putIfAbsent(key, ref);
    if (before != null && !before.equals(ref)) {
      throw new CorruptCheckpointException("storage " + key + " is declared twice differently");
    }
    return ref;
  }

  private static StateDict toStateDict(Object root, Map<String, byte[]> bytes)
      throws CorruptCheckpointException {
    if (!(root instanceof Map<?, ?> map)) {
      throw new CorruptCheckpointException(
          "the file holds a "
              + (root == null ? "None" : root.getClass().getSimpleName())
              + ", not a state_dict (a dict of tensors)");
    }
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    Map<String, String> others = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
        throw new CorruptCheckpointException(
            "state_dict entry " + e.getKey() + " is not a tensor under a string key");
      }
      byte[] storage = bytes.get(t.storage().key());
      long elements = storage.length / elementSize(t.storage().dtype());
      long last = t.offset();
      long count = 1;
      for (int d = 0; d < t.size().length; d++) {
        count = Math.multiplyExact(count, t.size()[d]);
        if (t.size()[d] > 0) {
          last = Math.addExact(last, Math.multiplyExact(t.size()[d] - 1, t.stride()[d]));
        }
      }
      if (count > 0 && (last >= elements || last >= t.storage().numel())) {
        throw new CorruptCheckpointException(
            "tensor " + name + " reaches element " + last + " of a storage of " + elements);
      }
      if (OfficialLayout.isBatchCounter(name, t.size())
          && t.storage().dtype().equals("int64")
          && count == 1) {
        long v =
            ByteBuffer.wrap(storage, Math.toIntExact(t.offset() * 8), 8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
        tensors.put(name, new HostTensor(t.size(), new float[] {(float) v}));
        continue;
      }
      if (!t.storage().dtype().equals("float32")) {
        others.put(name, t.storage().dtype());
        continue;
      }
      tensors.put(name, new HostTensor(t.size(), gather(storage, t, (int) count)));
    }
    return new StateDict(tensors, others);
  }

  /** Copies a strided view out of little-endian float32 storage bytes, in row-major order. */
  private static float[] gather(byte[] storage, TensorRef t, int count) {
    java.nio.FloatBuffer src =
        ByteBuffer.wrap(storage).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[] out = new float[count];
    int rank = t.size().length;
    long[] index = new long[rank];
    for (int i = 0; i < count; i++) {
      long at = t.offset();
      for (int d = 0; d < rank; d++) {
        at += index[d] * t.stride()[d];
      }
      out[i] = src.get((int) at);
      for (int d = rank - 1; d >= 0; d--) {
        if (++index[d] < t.size()[d]) {
          break;
        }
        index[d] = 0;
      }
    }
    return out;
  }

  static int elementSize(String dtype) {
    return switch (dtype) {
      case "float64", "int64" -> 8;
      case "float32", "int32" -> 4;
      case "float16", "bfloat16", "int16" -> 2;
      default -> 1;
    };
  }
}
