package io.cyclegan.common.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;

/**
 * Trust for an HTTPS store whose certificate a private authority signed ({@code S3_CA_FILE}): the
 * certificates of one PEM file, and only those, as {@code AWS_CA_BUNDLE} does for the AWS CLI. Host
 * names are still verified.
 */
final class PrivateAuthority {
  private PrivateAuthority() {}

  /** {@code http} trusting only the certificates in {@code pem}. */
  static OkHttpClient.Builder trust(OkHttpClient.Builder http, Path pem) {
    X509TrustManager trustManager = trustManager(pem);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trustManager}, null);
      return http.sslSocketFactory(context.getSocketFactory(), trustManager);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS context for the store", e);
    }
  }

  static X509TrustManager trustManager(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new IllegalArgumentException("S3_CA_FILE " + pem + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("no X.509 trust manager in this JDK");
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "S3_CA_FILE " + pem + " is not a readable PEM file of certificates: " + e.getMessage(),
          e);
    }
  }
}
