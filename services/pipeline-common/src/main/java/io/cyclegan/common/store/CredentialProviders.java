package io.cyclegan.common.store;

import io.cyclegan.common.config.S3Credentials;
import io.cyclegan.common.config.S3Credentials.StaticKeys;
import io.cyclegan.common.config.S3Credentials.WebIdentity;
import io.minio.credentials.ChainedProvider;
import io.minio.credentials.IamAwsProvider;
import io.minio.credentials.Jwt;
import io.minio.credentials.Provider;
import io.minio.credentials.StaticProvider;
import io.minio.credentials.WebIdentityProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import okhttp3.OkHttpClient;

/**
 * The MinIO client's credential providers for each {@link S3Credentials.Source}. Providers that
 * fetch temporary keys (web identity, instance profile) cache them and fetch again shortly before
 * they expire, on the request that needs them.
 */
final class CredentialProviders {
  private CredentialProviders() {}

  /**
   * @param http the client for STS and the metadata service: the system's trust, not the store's
   *     private authority, since STS is a public AWS endpoint
   */
  static Provider of(S3Credentials credentials, OkHttpClient http) {
    List<Provider> chain = chain(credentials, http);
    return chain.size() == 1 ? chain.get(0) : new ChainedProvider(chain.toArray(Provider[]::new));
  }

  /** The providers tried, in order: one, except for {@code chain}. */
  static List<Provider> chain(S3Credentials credentials, OkHttpClient http) {
    List<Provider> out = new ArrayList<>();
    credentials.staticKeys().map(CredentialProviders::keys).ifPresent(out::add);
    credentials.environmentKeys().map(CredentialProviders::keys).ifPresent(out::add);
    credentials.webIdentity().map(w -> webIdentity(w, http)).ifPresent(out::add);
    if (credentials.source() == S3Credentials.Source.IAM
        || credentials.source() == S3Credentials.Source.CHAIN) {
      out.add(new IamAwsProvider(credentials.iamEndpoint().orElse(null), http));
    }
    return out;
  }

  private static Provider keys(StaticKeys keys) {
    return new StaticProvider(
        keys.accessKey().reveal(),
        keys.secretKey().reveal(),
        keys.sessionToken().map(t -> t.reveal()).orElse(null));
  }

  private static Provider webIdentity(WebIdentity identity, OkHttpClient http) {
    return new WebIdentityProvider(
        // Read at each refresh: the kubelet rotates a projected token well before it expires.
        () -> new Jwt(read(identity), 0),
        identity.stsEndpoint(),
        null,
        null,
        identity.roleArn(),
        identity.sessionName(),
        http);
  }

  private static String read(WebIdentity identity) {
    try {
      return Files.readString(identity.tokenFile(), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the web identity token " + identity.tokenFile(), e);
    }
  }
}
