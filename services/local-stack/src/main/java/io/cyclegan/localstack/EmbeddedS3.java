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
 *
 * <p>It can be stopped and started again: the second start binds the port the first one got (even
 * when port 0 was asked for) and reads the same folder, so clients that keep the endpoint see every
 * object again, as after a real store's restart.
 */
final class EmbeddedS3 {

  private final Path baseDir;
  private final String accessKey;
  private final String secretKey;
  private final LocalCertificates tls;
  // The requested port until the first start, then the port that start bound.
  private int port;
  private boolean bound;
  private BlobStoreContext context;
  private S3Proxy proxy;

  EmbeddedS3(Path baseDir, int requestedPort, String accessKey, String secretKey) {
    this(baseDir, requestedPort, accessKey, secretKey, null);
  }

  /**
   * @param tls when given, the server speaks HTTPS only, with the server certificate
   */
  EmbeddedS3(
      Path baseDir, int requestedPort, String accessKey, String secretKey, LocalCertificates tls) {
    this.tls = tls;
    this.baseDir = baseDir;
    this.port = requestedPort;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /**
   * Starts the server and creates {@code bucket} if it is not there yet; does nothing when it runs.
   */
  synchronized void start(String bucket) {
    if (proxy != null) {
      return;
    }
    Properties overrides = new Properties();
    overrides.setProperty("jclouds.filesystem.basedir", baseDir.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials(accessKey, secretKey)
            .overrides(overrides)
            .build(BlobStoreContext.class);
    // Path-style addressing only (no virtual host), the way MinIO clients talk to a local
    // endpoint; v2 or v4 signatures so that old and new SDKs get in.
    S3Proxy.Builder builder =
        S3Proxy.builder().blobStore(new ConsistentReads(context.getBlobStore()));
    if (tls == null) {
      builder.endpoint(URI.create("http://" + Ports.LOOPBACK + ":" + port));
    } else {
      builder
          .secureEndpoint(URI.create("https://" + Ports.LOOPBACK + ":" + port))
          .keyStore(tls.keyStore().toString(), LocalCertificates.PASSWORD);
    }
    proxy =
        builder
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            // Recent AWS SDKs and CLIs send x-amz-checksum-* and x-amz-sdk-checksum-algorithm on
            // every upload; S3Proxy 2.6 answers unknown x-amz-* headers with NotImplemented.
            .ignoreUnknownHeaders(true)
            .build();
    try {
      proxy.start();
    } catch (Exception e) {
      IllegalStateException failure =
          new IllegalStateException("S3 server did not start on " + Ports.LOOPBACK + ":" + port, e);
      try {
        stop();
      } catch (RuntimeException cleanup) {
        failure.addSuppressed(cleanup);
      }
      throw failure;
    }
    port = tls == null ? proxy.getPort() : proxy.getSecurePort();
    bound = true;
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  /** {@code http} or {@code https}. */
  String scheme() {
    return tls == null ? "http" : "https";
  }

  /** The bound port, known once started and kept while stopped (a restart binds it again). */
  synchronized int port() {
    if (!bound) {
      throw new IllegalStateException("S3 server has not started yet");
    }
    return port;
  }

  synchronized boolean isRunning() {
    return proxy != null;
  }

  /** Stops the server; {@link #start(String)} brings it back on the same port and folder. */
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
