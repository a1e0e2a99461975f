package io.cyclegan.localstack;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * An S3-compatible server: S3Proxy in front of jclouds' filesystem blob store, one folder per
 * bucket under {@code baseDir}, listening on loopback only.
 */
final class EmbeddedS3 {

  private final Path baseDir;
  private final int requestedPort;
  private final String accessKey;
  private final String secretKey;
  private BlobStoreContext context;
  private S3Proxy proxy;

  EmbeddedS3(Path baseDir, int requestedPort, String accessKey, String secretKey) {
    this.baseDir = baseDir;
    this.requestedPort = requestedPort;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /** Starts the server and creates {@code bucket} if it is not there yet. */
  synchronized void start(String bucket) {
    Properties overrides = new Properties();
    overrides.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials(accessKey, secretKey)
            .overrides(overrides)
            .build(BlobStoreContext.class);
    // Path-style addressing only (no virtual host), the way MinIO clients talk to a local
    // endpoint; v2 or v4 signatures so that old and new SDKs get in.
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://" + Ports.LOOPBACK + ":" + requestedPort))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // Recent AWS SDKs and CLIs send x-amz-checksum-* and x-amz-sdk-checksum-algorithm on
            // every upload; S3Proxy 2.6 answers unknown x-amz-* headers with NotImplemented.
            .ignoreUnknownHeaders(true)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      stop();
      throw new IllegalStateException(
          "S3 server did not start on " + Ports.LOOPBACK + ":" + requestedPort, e);
    }
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** The bound port, known once started. */
  synchronized int port() {
    if (proxy == null) {
      throw new IllegalStateException("S3 server is not running");
    }
    return proxy.getPort();
  }

  synchronized void stop() {
    Exception failure = null;
    if (proxy != null) {
      try {
        proxy.stop();
      } catch (Exception e) {
        failure = e;
      }
      proxy = null;
    }
    if (context != null) {
      context.close();
      context = null;
    }
    if (failure != null) {
      throw new IllegalStateException("S3 server did not stop cleanly", failure);
    }
  }
}
