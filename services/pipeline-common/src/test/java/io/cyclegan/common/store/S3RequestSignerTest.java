package io.cyclegan.common.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.Signer;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import org.junit.jupiter.api.Test;

/**
 * The lean signer against the MinIO client's own: the same Authorization header, request by
 * request.
 */
class S3RequestSignerTest {
  private static final String SHA_OF_BODY =
      "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9";

  private final S3RequestSigner signer = new S3RequestSigner();

  @Test
  void shouldSignAPutWithMetadataAsMinioDoes() throws Exception {
    Request put =
        new Request.Builder()
            .url("http://127.0.0.1:9000/bucket/results/req-1/output.png")
            .header("Content-Type", "image/png")
            .header("Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww==")
            .header("x-amz-content-sha256", SHA_OF_BODY)
            .header("x-amz-date", "20261202T174305Z")
            .header("Host", "127.0.0.1:9000")
            .header("Accept-Encoding", "identity")
            .header("User-Agent", "MinIO (Linux; amd64) minio-java/8.5.17")
            .header("x-amz-meta-cg-model", "horse2zebra")
            .put(RequestBody.create(new byte[11], MediaType.parse("image/png")))
            .build();

    assertSameAsMinio(put, "us-east-1", "access", "secret/with+chars", SHA_OF_BODY);
  }

  @Test
  void shouldSignAGetWithASessionTokenAndAnUnsignedPayloadAsMinioDoes() throws Exception {
    Request get =
        new Request.Builder()
            .url("https://store.example:443/bucket/requests/r%20q/in%2Bput.png")
            .header("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
            .header("X-Amz-Security-Token", "token/with=chars")
            .header("x-amz-date", "20261130T000001Z")
            .header("Host", "store.example")
            .get()
            .build();

    assertSameAsMinio(get, "eu-west-1", "AKIA", "s3cr3t", "UNSIGNED-PAYLOAD");
  }

  @Test
  void shouldCanonicaliseSpacesSeveralValuesAndTheQueryAsMinioDoes() throws Exception {
    Request odd =
        new Request.Builder()
            .url("http://h:1/b/k?uploads=&prefix=a%2Fb&max-keys=5&prefix=z&marker")
            .header("x-amz-date", "20261202T235959Z")
            .header("x-amz-content-sha256", SHA_OF_BODY)
            .header("Host", "h:1")
            .header("x-amz-meta-note", "  two   runs  of spaces ")
            .addHeader("X-Amz-Meta-Tag", "first")
            .addHeader("x-amz-meta-tag", "second  value")
            .get()
            .build();

    assertSameAsMinio(odd, "us-east-1", "a", "b", SHA_OF_BODY);
  }

  @Test
  void shouldDeriveTheSigningKeyAgainForAnotherDayRegionOrSecret() throws Exception {
    // The key is kept between requests: each change of what it is derived from must show.
    String[][] cases = {
      {"20261202T100000Z", "us-east-1", "secret-1"},
      {"20261202T235959Z", "us-east-1", "secret-1"},
      {"20261203T000000Z", "us-east-1", "secret-1"},
      {"20261203T000000Z", "eu-central-1", "secret-1"},
      {"20261203T000000Z", "eu-central-1", "secret-2"},
      {"20261202T100000Z", "us-east-1", "secret-1"},
    };
    for (String[] c : cases) {
      Request get =
          new Request.Builder()
              .url("http://h:1/b/k")
              .header("x-amz-date", c[0])
              .header("x-amz-content-sha256", SHA_OF_BODY)
              .header("Host", "h:1")
              .get()
              .build();
      assertSameAsMinio(get, c[1], "access", c[2], SHA_OF_BODY);
    }
  }

  private void assertSameAsMinio(
      Request request, String region, String access, String secret, String sha) throws Exception {
    String ours = signer.sign(request, region, access, secret, sha).header("Authorization");
    String minio = Signer.signV4S3(request, region, access, secret, sha).header("Authorization");
    assertThat(ours).isNotNull().isEqualTo(minio);
  }
}
