package io.cyclegan.model.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.cyclegan.model.nn.Network;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A float32 tensor copied to the heap, as stored in an archive.
 *
 * @param shape the dimensions
 * @param data the values, row-major
 */
public record HostTensor(long[] shape, float[] data) implements ArchiveTensor {

  /** Checks that the data fits the shape. */
  public HostTensor {
    if (new Shape(shape).size() != data.length) {
      throw new IllegalArgumentException(
          "shape "
              + new Shape(shape)
              + " needs "
              + new Shape(shape).size()
              + " values, got "
              + data.length);
    }
  }

  /** Copies an array to the host. */
  public static HostTensor of(NDArray array) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("only float32 is stored, got " + array.getDataType());
    }
    return new HostTensor(array.getShape().getShape(), array.toFloatArray());
  }

  /** The DJL shape. */
  public Shape djlShape() {
    return new Shape(shape);
  }

  /**
   * Copies the tensor into a new array of {@code manager} whose memory libtorch owns (DJL's {@code
   * create} would alias a Java direct buffer; see {@link Network#assign}).
   */
  public NDArray toArray(NDManager manager) {
    return Network.upload(manager, data, djlShape());
  }

  /** Copies the values into {@code target}, which must have the same shape. */
  public void copyInto(NDArray target, String name) {
    if (!target.getShape().equals(djlShape())) {
      throw new IncompatibleCheckpointException(
          name + ": checkpoint shape " + djlShape() + ", model shape " + target.getShape());
    }
    Network.assign(target, data);
  }

  @Override
  public void writeValues(DataOutputStream out) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    int i = 0;
    while (i < data.length) {
      buffer.clear();
      int n = Math.min(data.length - i, buffer.capacity() / Float.BYTES);
      buffer.asFloatBuffer().put(data, i, n);
      out.write(buffer.array(), 0, n * Float.BYTES);
      i += n;
    }
  }
}
