package io.cyclegan.model.interop;

import io.cyclegan.model.checkpoint.CorruptCheckpointException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pickle reader that understands exactly what {@code torch.save(state_dict)} writes (protocols 2
 * to 4): dicts, lists, tuples, strings, numbers, {@code collections.OrderedDict}, the tensor
 * rebuild functions and storage classes of {@code torch}, and persistent ids for storages.
 *
 * <p>Nothing is ever called: the allowed globals are interpreted here, not looked up. Any other
 * global ({@code os.system}, {@code builtins.eval}, ...) and every opcode that builds arbitrary
 * objects ({@code INST}, {@code OBJ}, {@code NEWOBJ}, extensions) is refused at the point it
 * appears, naming it and its byte offset. This is the same allow-list idea as {@code
 * torch.load(weights_only=True)}, smaller.
 */
final class StrictUnpickler {

  /** A module-level name the pickle referenced (only allowed ones are ever created). */
  record Global(String module, String name) {
    @Override
    public String toString() {
      return module + "." + name;
    }
  }

  /** A Python tuple. */
  record Tuple(List<Object> items) {}

  /**
   * A storage named by a persistent id.
   *
   * @param dtype the element type ({@code float32}, {@code int64}, ...)
   * @param key where its bytes are (a zip record name or a legacy storage key)
   * @param numel its element count as the pickle declares it
   */
  record StorageRef(String dtype, String key, long numel) {}

  /** A strided view of a storage, from {@code torch._utils._rebuild_tensor_v2}. */
  record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

  /** Turns a persistent id tuple into a storage. */
  interface PersistentLoader {
    StorageRef load(Tuple pid) throws IOException;
  }

  /** {@code torch.<Name>Storage} class name to element type and size in bytes. */
  static final Map<String, String> STORAGE_DTYPES =
      Map.ofEntries(
          Map.entry("FloatStorage", "float32"),
          Map.entry("DoubleStorage", "float64"),
          Map.entry("HalfStorage", "float16"),
          Map.entry("BFloat16Storage", "bfloat16"),
          Map.entry("LongStorage", "int64"),
          Map.entry("IntStorage", "int32"),
          Map.entry("ShortStorage", "int16"),
          Map.entry("CharStorage", "int8"),
          Map.entry("ByteStorage", "uint8"),
          Map.entry("BoolStorage", "bool"));

  private static final Global ORDERED_DICT = new Global("collections", "OrderedDict");
  private static final Global REBUILD_TENSOR_V2 = new Global("torch._utils", "_rebuild_tensor_v2");
  private static final Global REBUILD_TENSOR = new Global("torch._utils", "_rebuild_tensor");
  private static final Global REBUILD_PARAMETER = new Global("torch._utils", "_rebuild_parameter");
  private static final Set<Global> CALLABLES =
      Set.of(ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_TENSOR, REBUILD_PARAMETER);

  private static final int MAX_STACK = 1 << 20;
  private static final int MAX_MEMO = 1 << 22;
  private static final Object MARK = new Object();

  private final byte[] data;
  private final int end;
  private int pos;

  StrictUnpickler(byte[] data, int start, int end) {
    this.data = data;
    this.pos = start;
    this.end = end;
  }

  /** Where the next pickle in the same buffer starts (legacy files hold several). */
  int position() {
    return pos;
  }

  /** A description of what is allowed, for error messages. */
  static String allowList() {
    Set<String> names = new TreeSet<>();
    CALLABLES.forEach(g -> names.add(g.toString()));
    names.add("torch.<Type>Storage");
    return String.join(", ", names);
  }

  /** Reads one pickle (up to its STOP) and returns its value. */
  Object load(PersistentLoader persistent) throws IOException {
    List<Object> stack = new ArrayList<>();
    Map<Integer, Object> memo = new HashMap<>();
    while (true) {
      int at = pos;
      int op = u8();
      switch (op) {
        case 0x80 -> { // PROTO
          int version = u8();
          if (version > 5) {
            throw corrupt("pickle protocol " + version + " is not supported", at);
          }
        }
        case 0x95 -> pos = checkedAdvance(8, at); // FRAME: a length hint
        case '.' -> { // STOP
          if (stack.size() != 1) {
            throw corrupt("pickle ended with " + stack.size() + " values on the stack", at);
          }
          return stack.get(0);
        }
        case '(' -> push(stack, MARK, at);
        case ')' -> push(stack, new Tuple(List.of()), at);
        case 't' -> push(stack, new Tuple(popToMark(stack, at)), at);
        case 0x85 -> push(stack, new Tuple(List.of(pop(stack, at))), at);
        case 0x86 -> {
          Object b = pop(stack, at);
          Object a = pop(stack, at);
          push(stack, new Tuple(List.of(a, b)), at);
        }
        case 0x87 -> {
          Object c = pop(stack, at);
          Object b = pop(stack, at);
          Object a = pop(stack, at);
          push(stack, new Tuple(List.of(a, b, c)), at);
        }
        case ']' -> push(stack, new ArrayList<>(), at);
        case 'l' -> push(stack, new ArrayList<>(popToMark(stack, at)), at);
        case 'a' -> {
          Object v = pop(stack, at);
          asList(peek(stack, at), at).add(v);
        }
        case 'e' -> {
          List<Object> items = popToMark(stack, at);
          asList(peek(stack, at), at).addAll(items);
        }
        case '}' -> push(stack, new LinkedHashMap<>(), at);
        case 'd' -> {
          Map<Object, Object> m = new LinkedHashMap<>();
          putAll(m, popToMark(stack, at), at);
          push(stack, m, at);
        }
        case 's' -> {
          Object v = pop(stack, at);
          Object k = pop(stack, at);
          asMap(peek(stack, at), at).put(hashable(k, at), v);
        }
        case 'u' -> {
          List<Object> items = popToMark(stack, at);
          putAll(asMap(peek(stack, at), at), items, at);
        }
        case 'N' -> push(stack, null, at);
        case 0x88 -> push(stack, Boolean.TRUE, at);
        case 0x89 -> push(stack, Boolean.FALSE, at);
        case 'J' -> push(stack, (long) buffer(4).getInt(), at);
        case 'K' -> push(stack, (long) u8(), at);
        case 'M' -> push(stack, (long) (buffer(2).getShort() & 0xffff), at);
        case 0x8a -> push(stack, long1(u8(), at), at);
        case 'G' ->
            push(stack, ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble(), at);
        case 'X' -> push(stack, utf8(length(buffer(4).getInt() & 0xffffffffL, at)), at);
        case 0x8c -> push(stack, utf8(u8()), at);
        case 0x8d -> push(stack, utf8(length(buffer(8).getLong(), at)), at);
        case 'U' -> push(stack, latin1(u8()), at);
        case 'T' -> push(stack, latin1(length(buffer(4).getInt() & 0xffffffffL, at)), at);
        case 'C' -> push(stack, bytes(u8()), at);
        case 'B' -> push(stack, bytes(length(buffer(4).getInt() & 0xffffffffL, at)), at);
        case 'q' -> memoPut(memo, u8(), peek(stack, at), at);
        case 'r' -> memoPut(memo, buffer(4).getInt(), peek(stack, at), at);
        case 0x94 -> memoPut(memo, memo.size(), peek(stack, at), at);
        case 'h' -> push(stack, memoGet(memo, u8(), at), at);
        case 'j' -> push(stack, memoGet(memo, buffer(4).getInt(), at), at);
        case '0' -> pop(stack, at);
        case 'c' -> push(stack, global(line(at), line(at), at), at);
        case 0x93 -> {
          Object name = pop(stack, at);
          Object module = pop(stack, at);
          if (!(module instanceof String m) || !(name instanceof String n)) {
            throw corrupt("STACK_GLOBAL needs two strings", at);
          }
          push(stack, global(m, n, at), at);
        }
        case 'Q' -> {
          Object pid = pop(stack, at);
          if (!(pid instanceof Tuple t)) {
            throw corrupt("a persistent id must be a tuple", at);
          }
          push(stack, persistent.load(t), at);
        }
        case 'R' -> {
          Object args = pop(stack, at);
          Object callable = pop(stack, at);
          push(stack, reduce(callable, args, at), at);
        }
        case 'b' -> {
          Object state = pop(stack, at);
          Object target = peek(stack, at);
          // OrderedDict state from state_dict(): its _metadata attribute (module versions).
          if (!(target instanceof Map) || !(state instanceof Map || state == null)) {
            throw new UnsafePickleException(
                "BUILD at byte "
                    + at
                    + " sets the state of a "
                    + typeName(target)
                    + ": only a dict's attributes may be set in a state_dict pickle");
          }
        }
        default -> throw refusedOpcode(op, at);
      }
    }
  }

  private Object reduce(Object callable, Object args, int at) throws IOException {
    if (!(callable instanceof Global g) || !CALLABLES.contains(g)) {
      throw new UnsafePickleException(
          "REDUCE at byte " + at + " calls " + describe(callable) + ", which is not allowed");
    }
    if (!(args instanceof Tuple t)) {
      throw corrupt("REDUCE arguments of " + g + " are not a tuple", at);
    }
    List<Object> a = t.items();
    if (g.equals(ORDERED_DICT)) {
      if (!a.isEmpty()) {
        throw new UnsafePickleException(
            "OrderedDict at byte " + at + " is called with arguments; a state_dict never is");
      }
      return new LinkedHashMap<>();
    }
    if (g.equals(REBUILD_PARAMETER)) {
      if (a.size() < 1 || !(a.get(0) instanceof TensorRef tensor)) {
        throw corrupt("_rebuild_parameter without a tensor", at);
      }
      return tensor;
    }
    // _rebuild_tensor(storage, offset, size, stride) and _rebuild_tensor_v2 (+ requires_grad,
    // backward_hooks, metadata).
    if (a.size() < 4 || !(a.get(0) instanceof StorageRef storage)) {
      throw corrupt(g + " needs (storage, offset, size, stride)", at);
    }
    long offset = asLong(a.get(1), "storage offset", at);
    long[] size = longs(a.get(2), "size", at);
    long[] stride = longs(a.get(3), "stride", at);
    if (size.length != stride.length) {
      throw corrupt("tensor size and stride differ in rank", at);
    }
    return new TensorRef(storage, offset, size, stride);
  }

  private Global global(String module, String name, int at) throws IOException {
    Global g = new Global(module, name);
    boolean storage = module.equals("torch") && STORAGE_DTYPES.containsKey(name);
    if (!storage && !CALLABLES.contains(g)) {
      throw new UnsafePickleException(
          "global "
              + g
              + " at byte "
              + at
              + " is not allowed: a state_dict pickle may reference only "
              + allowList());
    }
    return g;
  }

  private static UnsafePickleException refusedOpcode(int op, int at) {
    String name =
        switch (op) {
          case 'i' -> "INST";
          case 'o' -> "OBJ";
          case 0x81 -> "NEWOBJ";
          case 0x92 -> "NEWOBJ_EX";
          case 0x82, 0x83, 0x84 -> "EXT";
          case 'P' -> "PERSID";
          case 'S' -> "STRING";
          case 'I' -> "INT";
          case 'L' -> "LONG";
          case 'F' -> "FLOAT";
          case 'V' -> "UNICODE";
          case 'p' -> "PUT";
          case 'g' -> "GET";
          default -> "unknown";
        };
    return new UnsafePickleException(
        String.format(
            "pickle opcode 0x%02x (%s) at byte %d is not allowed in a state_dict", op, name, at));
  }

  private static String describe(Object o) {
    return o instanceof Global g ? g.toString() : "a " + typeName(o);
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }

  private static long asLong(Object o, String what, int at) throws CorruptCheckpointException {
    if (!(o instanceof Long l)) {
      throw corrupt(what + " is not an integer", at);
    }
    return l;
  }

  private static long[] longs(Object o, String what, int at) throws CorruptCheckpointException {
    if (!(o instanceof Tuple t)) {
      throw corrupt("tensor " + what + " is not a tuple", at);
    }
    long[] out = new long[t.items().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = asLong(t.items().get(i), "tensor " + what, at);
      if (out[i] < 0) {
        throw corrupt("tensor " + what + " has a negative entry", at);
      }
    }
    return out;
  }

  /** LONG1: n bytes of little-endian two's complement; a Long when it fits, else a BigInteger. */
  private Object long1(int n, int at) throws CorruptCheckpointException {
    byte[] le = bytes(n);
    if (n == 0) {
      return 0L;
    }
    byte[] be = new byte[n];
    for (int i = 0; i < n; i++) {
      be[i] = le[n - 1 - i];
    }
    BigInteger v = new BigInteger(be);
    return v.bitLength() < 64 ? (Object) v.longValue() : v;
  }

  private static Object hashable(Object k, int at) throws CorruptCheckpointException {
    if (k instanceof List || k instanceof Map) {
      throw corrupt("a dict key is a " + typeName(k), at);
    }
    return k;
  }

  private static void putAll(Map<Object, Object> m, List<Object> items, int at)
      throws CorruptCheckpointException {
    if (items.size() % 2 != 0) {
      throw corrupt("odd number of dict items", at);
    }
    for (int i = 0; i < items.size(); i += 2) {
      m.put(hashable(items.get(i), at), items.get(i + 1));
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Object> asList(Object o, int at) throws CorruptCheckpointException {
    if (!(o instanceof ArrayList)) {
      throw corrupt("APPEND to a " + typeName(o), at);
    }
    return (List<Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static Map<Object, Object> asMap(Object o, int at) throws CorruptCheckpointException {
    if (!(o instanceof LinkedHashMap)) {
      throw corrupt("SETITEM on a " + typeName(o), at);
    }
    return (Map<Object, Object>) o;
  }

  private static void push(List<Object> stack, Object v, int at) throws CorruptCheckpointException {
    if (stack.size() >= MAX_STACK) {
      throw corrupt("pickle stack deeper than " + MAX_STACK, at);
    }
    stack.add(v);
  }

  private static Object pop(List<Object> stack, int at) throws CorruptCheckpointException {
    Object v = peek(stack, at);
    stack.remove(stack.size() - 1);
    return v;
  }

  private static Object peek(List<Object> stack, int at) throws CorruptCheckpointException {
    if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
      throw corrupt("pickle stack underflow", at);
    }
    return stack.get(stack.size() - 1);
  }

  private static List<Object> popToMark(List<Object> stack, int at)
      throws CorruptCheckpointException {
    int mark = stack.lastIndexOf(MARK);
    if (mark < 0) {
      throw corrupt("no MARK on the pickle stack", at);
    }
    List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
    stack.subList(mark, stack.size()).clear();
    return items;
  }

  private static void memoPut(Map<Integer, Object> memo, int index, Object v, int at)
      throws CorruptCheckpointException {
    if (index < 0 || memo.size() >= MAX_MEMO) {
      throw corrupt("memo index " + index + " out of range", at);
    }
    memo.put(index, v);
  }

  private static Object memoGet(Map<Integer, Object> memo, int index, int at)
      throws CorruptCheckpointException {
    if (!memo.containsKey(index)) {
      throw corrupt("memo index " + index + " was never stored", at);
    }
    return memo.get(index);
  }

  private int u8() throws CorruptCheckpointException {
    if (pos >= end) {
      throw corrupt("pickle is truncated", pos);
    }
    return data[pos++] & 0xff;
  }

  private ByteBuffer buffer(int n) throws CorruptCheckpointException {
    return ByteBuffer.wrap(bytes(n)).order(ByteOrder.LITTLE_ENDIAN);
  }

  private byte[] bytes(int n) throws CorruptCheckpointException {
    int from = pos;
    pos = checkedAdvance(n, from);
    byte[] out = new byte[n];
    System.arraycopy(data, from, out, 0, n);
    return out;
  }

  private int checkedAdvance(long n, int at) throws CorruptCheckpointException {
    if (n < 0 || n > end - pos) {
      throw corrupt("pickle is truncated", at);
    }
    return pos + (int) n;
  }

  private int length(long n, int at) throws CorruptCheckpointException {
    if (n < 0 || n > end - pos) {
      throw corrupt("pickle is truncated", at);
    }
    return (int) n;
  }

  private String utf8(int n) throws CorruptCheckpointException {
    return new String(bytes(n), StandardCharsets.UTF_8);
  }

  private String latin1(int n) throws CorruptCheckpointException {
    return new String(bytes(n), StandardCharsets.ISO_8859_1);
  }

  private String line(int at) throws CorruptCheckpointException {
    int start = pos;
    while (pos < end && data[pos] != '\n') {
      pos++;
    }
    if (pos >= end || pos - start > 256) {
      throw corrupt("GLOBAL name is not a short line", at);
    }
    String s = new String(data, start, pos - start, StandardCharsets.US_ASCII);
    pos++;
    return s;
  }

  private static CorruptCheckpointException corrupt(String message, int at) {
    return new CorruptCheckpointException(message + " (at byte " + at + ")");
  }
}
