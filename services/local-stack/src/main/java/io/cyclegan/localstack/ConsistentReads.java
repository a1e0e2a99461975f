package io.cyclegan.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.io.ContentMetadata;
import org.jclouds.io.Payload;
import org.jclouds.io.payloads.BaseMutableContentMetadata;
import org.jclouds.io.payloads.ByteArrayPayload;

/**
 * Makes a read that overlaps an overwrite return one whole version of the object, as S3 does.
 *
 * <p>jclouds' filesystem store takes an object's length and ETag from its file, and opens the file
 * again later to stream the body. An overwrite renames a new file into place in between, so the
 * reader got the old length with the new bytes: a truncated or overlong body (a job's state.json
 * that would not parse). Here an object of up to {@link #SNAPSHOT_LIMIT} bytes is read whole from
 * one open file, which is one whole version, and served when its bytes agree with the length and
 * MD5 the metadata gave; otherwise it is read again, and after a few tries served with the length
 * and ETag of the bytes read. Ranged reads and larger objects (checkpoints, model weights: written
 * once under keys of their own) pass through.
 */
final class ConsistentReads extends ForwardingBlobStore {

  static final int SNAPSHOT_LIMIT = 16 * 1024 * 1024;

  /** Overwrites of one key faster than reads of it must not starve a reader. */
  private static final int MAX_READS = 10;

  ConsistentReads(BlobStore delegate) {
    super(delegate);
  }

  @Override
  public Blob getBlob(String container, String name) {
    return getBlob(container, name, GetOptions.NONE);
  }

  @Override
  public Blob getBlob(String container, String name, GetOptions options) {
    if (!options.getRanges().isEmpty()) {
      return super.getBlob(container, name, options);
    }
    for (int read = 1; ; read++) {
      Blob blob = super.getBlob(container, name, options);
      if (blob == null || blob.getPayload() == null) {
        return blob;
      }
      ContentMetadata metadata = blob.getMetadata().getContentMetadata();
      Long length = metadata.getContentLength();
      if (length == null || length > SNAPSHOT_LIMIT) {
        return blob;
      }
      byte[] bytes;
      try (InputStream in = blob.getPayload().openStream()) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        // Removed since the metadata was read: the next read says so, or finds a new version.
        if (read < MAX_READS) {
          continue;
        }
        throw new UncheckedIOException("cannot read " + container + "/" + name, e);
      }
      byte[] md5 = md5(bytes);
      boolean agrees =
          bytes.length == length
              // Objects uploaded in parts carry no MD5 of the whole: their length is all there is.
              && (metadata.getContentMD5() == null || Arrays.equals(metadata.getContentMD5(), md5));
      if (agrees || read == MAX_READS) {
        BaseMutableContentMetadata served =
            BaseMutableContentMetadata.fromContentMetadata(metadata);
        if (!agrees) {
          served.setContentLength((long) bytes.length);
          served.setContentMD5(md5);
          blob.getMetadata().setETag(HexFormat.of().formatHex(md5));
          blob.getMetadata().setSize((long) bytes.length);
        }
        Payload payload = new ByteArrayPayload(bytes);
        payload.setContentMetadata(served);
        blob.setPayload(payload);
        return blob;
      }
    }
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is missing from this JVM", e);
    }
  }
}
