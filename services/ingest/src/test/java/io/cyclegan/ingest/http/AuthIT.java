package io.cyclegan.ingest.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.cyclegan.common.image.TestImages;
import io.cyclegan.common.messages.MessageCodec;
import io.cyclegan.common.messages.Topics;
import io.cyclegan.common.store.ObjectStore;
import io.cyclegan.ingest.IngestService;
import io.cyclegan.ingest.StackFixtures;
import io.cyclegan.ingest.TopicTap;
import io.cyclegan.ingest.auth.ApiTokens;
import io.cyclegan.ingest.auth.Scope;
import io.cyclegan.localstack.LocalStack;
import io.cyclegan.localstack.LocalStackExtension;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An attacker at the HTTP API without the right credentials: every endpoint of {@link
 * HttpApi#ENDPOINTS} (so a new endpoint is covered as soon as it exists) with no token, a wrong
 * one, a malformed header, an expired, forged or misaddressed JWT, and a token or JWT without the
 * endpoint's scope. Each is refused with the problem body, and nothing is stored or published.
 */
@ExtendWith(LocalStackExtension.class)
class AuthIT {
  private static final String ISSUER = "https://issuer.test/realms/cyclegan";
  private static final String AUDIENCE = "cyclegan-api";
  private static final Map<String, String> TOKENS = new LinkedHashMap<>();
  private static final List<String> REFUSED_IDS = new ArrayList<>();

  private static Path tokensFile;
  private static HttpServer jwks;
  private static RSAKey rsaKey;
  private static ECKey ecKey;
  private static RSAKey strangerKey;
  private static IngestService service;
  private static ObjectStore store;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start(LocalStack stack) throws Exception {
    TOKENS.put("admin", ApiTokens.generate());
    for (Scope s : Scope.values()) {
      TOKENS.put("only-" + s.label(), ApiTokens.generate());
      TOKENS.put("all-but-" + s.label(), ApiTokens.generate());
    }
    tokensFile = Files.createTempFile("api-tokens", "");
    writeTokens(TOKENS);

    rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    strangerKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    byte[] keys =
        new JWKSet(List.of(rsaKey.toPublicJWK(), ecKey.toPublicJWK()))
            .toString()
            .getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    jwks.createContext(
        "/certs",
        ex -> {
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, keys.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(keys);
          }
        });
    jwks.start();

    String topic = "it.auth.images." + id();
    StackFixtures.createTopics(stack, topic, 1);
    service =
        new IngestService(
                StackFixtures.config(
                    stack,
                    "CYCLEGAN_TOPIC_IMAGES_IN",
                    topic,
                    "CYCLEGAN_GROUP_ID",
                    "ingest-auth-it-" + id(),
                    "CYCLEGAN_API_AUTH",
                    "token",
                    "CYCLEGAN_API_TOKENS_FILE",
                    tokensFile.toString(),
                    "CYCLEGAN_OIDC_ISSUER",
                    ISSUER,
                    "CYCLEGAN_OIDC_AUDIENCE",
                    AUDIENCE,
                    "CYCLEGAN_OIDC_JWKS_URL",
                    "http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs"),
                IngestService.LOOPBACK)
            .start();
    store = StackFixtures.store(stack);
  }

  @AfterAll
  static void stop(LocalStack stack) {
    try {
      if (service != null) {
        // Nothing refused reached Kafka: no claim check, no training command for any of its ids.
        for (String topic :
            List.of(Topics.DEFAULTS.translateRequests(), Topics.DEFAULTS.trainingCommands())) {
          try (TopicTap tap = new TopicTap(stack, topic)) {
            assertThat(tap.drain(r -> REFUSED_IDS.contains(StackFixtures.key(r))))
                .as("records on %s for refused requests", topic)
                .isEmpty();
          }
        }
      }
    } finally {
      if (service != null) {
        service.close();
      }
      if (jwks != null) {
        jwks.stop(0);
      }
    }
  }

  static Stream<Arguments> refusals() {
    List<Arguments> out = new ArrayList<>();
    for (Endpoint e : HttpApi.ENDPOINTS) {
      out.add(Arguments.of(e, "no token", 401, "MISSING_TOKEN"));
      out.add(Arguments.of(e, "wrong token", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "basic auth", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "expired jwt", 401, "EXPIRED_TOKEN"));
      out.add(Arguments.of(e, "jwt of another issuer", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "jwt for another audience", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "jwt signed by a stranger", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "unsigned jwt", 401, "INVALID_TOKEN"));
      out.add(Arguments.of(e, "token without the scope", 403, "INSUFFICIENT_SCOPE"));
      out.add(Arguments.of(e, "jwt without the scope", 403, "INSUFFICIENT_SCOPE"));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("refusals")
  void shouldRefuseAndWriteNothingWhenTheCredentialsDoNotGrantTheEndpoint(
      Endpoint endpoint, String attempt, int status, String reason) throws Exception {
    String id = "auth-" + id();
    REFUSED_IDS.add(id);

    HttpResponse<byte[]> response = send(endpoint, id, authorization(attempt, endpoint.scope()));

    assertThat(response.statusCode()).as(attempt).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    JsonNode problem = MessageCodec.mapper().readTree(response.body());
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("reason").asText()).isEqualTo(reason);
    assertThat(problem.get("type").asText()).startsWith("urn:cyclegan:problem:");
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    if (status == 401) {
      assertThat(response.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    assertThat(store.list("datasets/" + id + "/")).isEmpty();
    assertThat(store.list("requests/" + id)).isEmpty();
    assertThat(store.list("imports/" + id + "/")).isEmpty();
  }

  static Stream<Arguments> grants() {
    return HttpApi.ENDPOINTS.stream()
        .flatMap(
            e ->
                Stream.of(
                    Arguments.of(e, "token with only the scope"),
                    Arguments.of(e, "admin token"),
                    Arguments.of(e, "es256 jwt with only the scope")));
  }

  @ParameterizedTest(name = "{0} with {1}")
  @MethodSource("grants")
  void shouldLetTheRequestThroughWhenTheCredentialsGrantTheEndpoint(
      Endpoint endpoint, String attempt) throws Exception {
    HttpResponse<byte[]> response =
        send(endpoint, "ok-" + id(), authorization(attempt, endpoint.scope()));

    assertThat(response.statusCode()).as(attempt).isNotIn(401, 403).isLessThan(500);
  }

  @Test
  void shouldTakeRotatedTokensWithoutARestartWhenTheFileChanges() throws Exception {
    Endpoint models = endpoint("GET", "/models");
    String old = TOKENS.get("only-read");
    String rotated = ApiTokens.generate();
    assertThat(send(models, "x", "Bearer " + old).statusCode()).isEqualTo(200);

    Map<String, String> next = new LinkedHashMap<>(TOKENS);
    next.put("only-read", rotated);
    writeTokens(next);
    try {
      assertThat(send(models, "x", "Bearer " + old).statusCode()).isEqualTo(401);
      assertThat(send(models, "x", "Bearer " + rotated).statusCode()).isEqualTo(200);
    } finally {
      writeTokens(TOKENS);
    }
    assertThat(send(models, "x", "Bearer " + old).statusCode()).isEqualTo(200);
  }

  @Test
  void shouldCountRequestsByRouteAndStatusWhenRefused() throws Exception {
    Endpoint jobs = endpoint("POST", "/jobs");
    String id = "auth-" + id();
    REFUSED_IDS.add(id);
    send(jobs, id, null);
    send(jobs, id, "Bearer " + TOKENS.get("only-read"));
    send(endpoint("GET", "/models"), id, "Bearer " + TOKENS.get("admin"));

    String metrics = StackFixtures.get(service.metricsPort(), "/metrics").body();
    String counted =
        String.join("\n", metrics.lines().filter(l -> l.startsWith("cyclegan_http_")).toList());
    assertThat(
            StackFixtures.sample(
                metrics,
                "cyclegan_http_requests_total{route=\"/jobs\",service=\"ingest\",status=\"401\""))
        .as(counted)
        .isGreaterThanOrEqualTo(1);
    assertThat(
            StackFixtures.sample(
                metrics,
                "cyclegan_http_requests_total{route=\"/jobs\",service=\"ingest\",status=\"403\""))
        .as(counted)
        .isGreaterThanOrEqualTo(1);
    assertThat(
            StackFixtures.sample(
                metrics,
                "cyclegan_http_requests_total{route=\"/models\",service=\"ingest\",status=\"200\""))
        .as(counted)
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void shouldPublishTheCallersNameAsPrincipalAndIgnoreAForgedOneWhenAJobIsStarted(LocalStack stack)
      throws Exception {
    String byToken = "principal-" + id();
    String byJwt = "principal-" + id();
    String imported = "principal-" + id();
    HttpRequest.Builder job =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + "/jobs"))
            .header("Content-Type", "application/json")
            .header("cg-principal", "mallory");

    HttpResponse<byte[]> token =
        HTTP.send(
            job.copy()
                .header("Authorization", "Bearer " + TOKENS.get("only-train"))
                .POST(HttpRequest.BodyPublishers.ofString(jobBody(byToken)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> jwt =
        HTTP.send(
            job.copy()
                .header(
                    "Authorization",
                    "Bearer " + jwt(ecKey, ISSUER, AUDIENCE, Set.of(Scope.TRAIN), later()))
                .POST(HttpRequest.BodyPublishers.ofString(jobBody(byJwt)))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    String base = "http://127.0.0.1:" + service.httpPort() + "/models/m/imports/" + imported;
    String admin = "Bearer " + TOKENS.get("admin");
    assertThat(
            HTTP.send(
                    HttpRequest.newBuilder(URI.create(base + "/a2b"))
                        .header("Authorization", admin)
                        .header("Content-Type", "application/octet-stream")
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3}))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .statusCode())
        .isEqualTo(201);
    HttpResponse<byte[]> commit =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base))
                .header("Authorization", admin)
                .header("cg-principal", "mallory")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(token.statusCode()).isEqualTo(202);
    assertThat(jwt.statusCode()).isEqualTo(202);
    assertThat(commit.statusCode()).isEqualTo(202);
    try (TopicTap tap = new TopicTap(stack, Topics.DEFAULTS.trainingCommands())) {
      assertThat(principals(tap, byToken)).containsExactly("only-train");
      assertThat(principals(tap, byJwt)).containsExactly("oidc:alice");
      assertThat(principals(tap, ModelImportResource.importId("m", imported)))
          .containsExactly("admin");
    }
  }

  private static String jobBody(String jobId) {
    return "{\"jobId\":\"" + jobId + "\",\"model\":\"m\",\"dataset\":\"d\"}";
  }

  /** Every {@code cg-principal} of the one command keyed {@code jobId}. */
  private static List<String> principals(TopicTap tap, String jobId) {
    List<String> out = new ArrayList<>();
    tap.awaitKey(jobId, 1)
        .get(0)
        .headers()
        .headers("cg-principal")
        .forEach(h -> out.add(new String(h.value(), StandardCharsets.UTF_8)));
    return out;
  }

  private static Endpoint endpoint(String method, String template) {
    return HttpApi.ENDPOINTS.stream()
        .filter(e -> e.method().equals(method) && e.template().equals(template))
        .findFirst()
        .orElseThrow();
  }

  /** The Authorization header for an attempt at an endpoint that needs {@code scope}. */
  private static String authorization(String attempt, Scope scope) throws JOSEException {
    Set<Scope> allBut = EnumSet.complementOf(EnumSet.of(scope, Scope.ADMIN));
    return switch (attempt) {
      case "no token" -> null;
      case "wrong token" -> "Bearer " + ApiTokens.generate();
      case "basic auth" -> "Basic YWRtaW46YWRtaW4=";
      case "expired jwt" ->
          "Bearer "
              + jwt(rsaKey, ISSUER, AUDIENCE, Set.of(Scope.ADMIN), Instant.now().minusSeconds(600));
      case "jwt of another issuer" ->
          "Bearer " + jwt(rsaKey, "https://evil.test", AUDIENCE, Set.of(Scope.ADMIN), later());
      case "jwt for another audience" ->
          "Bearer " + jwt(rsaKey, ISSUER, "another-api", Set.of(Scope.ADMIN), later());
      case "jwt signed by a stranger" ->
          "Bearer " + jwt(strangerKey, ISSUER, AUDIENCE, Set.of(Scope.ADMIN), later());
      case "unsigned jwt" -> "Bearer " + unsigned();
      case "token without the scope" -> "Bearer " + TOKENS.get("all-but-" + scope.label());
      case "jwt without the scope" -> "Bearer " + jwt(ecKey, ISSUER, AUDIENCE, allBut, later());
      case "token with only the scope" -> "Bearer " + TOKENS.get("only-" + scope.label());
      case "admin token" -> "Bearer " + TOKENS.get("admin");
      case "es256 jwt with only the scope" ->
          "Bearer " + jwt(ecKey, ISSUER, AUDIENCE, Set.of(scope), later());
      default -> throw new IllegalArgumentException(attempt);
    };
  }

  private static Instant later() {
    return Instant.now().plusSeconds(600);
  }

  private static String jwt(
      Object key, String issuer, String audience, Set<Scope> scopes, Instant expiry)
      throws JOSEException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .audience(audience)
            .subject("alice")
            .expirationTime(Date.from(expiry))
            .issueTime(Date.from(expiry.minusSeconds(1200)))
            .claim("scope", String.join(" ", scopes.stream().map(Scope::label).toList()))
            .build();
    if (key instanceof ECKey ec) {
      SignedJWT jwt =
          new SignedJWT(
              new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).build(), claims);
      jwt.sign(new ECDSASigner(ec));
      return jwt.serialize();
    }
    RSAKey rsa = (RSAKey) key;
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
    jwt.sign(new RSASSASigner(rsa));
    return jwt.serialize();
  }

  /** {@code alg: none} with admin scope: must never be taken. */
  private static String unsigned() {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
    String body =
        b64.encodeToString(
            ("{\"iss\":\""
                    + ISSUER
                    + "\",\"aud\":\""
                    + AUDIENCE
                    + "\",\"sub\":\"mallory\",\"scope\":\"admin\",\"exp\":"
                    + later().getEpochSecond()
                    + "}")
                .getBytes(StandardCharsets.UTF_8));
    return header + "." + body + ".";
  }

  /**
   * A request that would succeed with the right credentials, naming everything after {@code id}.
   */
  private static HttpResponse<byte[]> send(Endpoint e, String id, String authorization)
      throws IOException, InterruptedException {
    String path =
        e.path(
            Map.of(
                "dataset",
                id,
                "domain",
                "A",
                "requestId",
                id,
                "jobId",
                id,
                "model",
                "m",
                "importId",
                id,
                "direction",
                "a2b",
                "topic",
                "cyclegan.images.in",
                "version",
                "v1"));
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    String contentType = null;
    if (e.template().equals("/translate")) {
      path += "?model=m&direction=AtoB&requestId=" + id;
    }
    if (e.method().equals("PUT")) {
      contentType = "application/octet-stream";
      body = HttpRequest.BodyPublishers.ofByteArray(new byte[] {1, 2, 3});
    } else if (e.method().equals("POST")) {
      if (e.template().startsWith("/models/")) {
        contentType = "application/json";
        body = HttpRequest.BodyPublishers.ofString("{}");
      } else if (e.template().equals("/jobs")) {
        contentType = "application/json";
        body =
            HttpRequest.BodyPublishers.ofString(
                "{\"jobId\":\"" + id + "\",\"model\":\"m\",\"dataset\":\"d\"}");
      } else if (e.template().startsWith("/dead-letters/")) {
        // A dry run: the shared stack's dead letters are not replayed by this test.
        contentType = "application/json";
        body = HttpRequest.BodyPublishers.ofString("{\"dryRun\":true}");
      } else if (!e.template().endsWith("/cancel")) {
        contentType = "image/png";
        body = HttpRequest.BodyPublishers.ofByteArray(TestImages.png(16, 16, 3));
      }
    }
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
            .method(e.method(), body);
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Replaces the file in one step, as a Kubernetes Secret update does. */
  private static void writeTokens(Map<String, String> tokens) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("# name:sha256:scopes");
    tokens.forEach(
        (name, token) -> {
          Set<Scope> scopes;
          if (name.equals("admin")) {
            scopes = EnumSet.of(Scope.ADMIN);
          } else if (name.startsWith("only-")) {
            scopes = EnumSet.of(Scope.parse(name.substring(5)).orElseThrow());
          } else {
            scopes =
                EnumSet.complementOf(
                    EnumSet.of(Scope.parse(name.substring(8)).orElseThrow(), Scope.ADMIN));
          }
          lines.add(ApiTokens.line(name, token, scopes));
        });
    Path tmp = Files.createTempFile(tokensFile.getParent(), "api-tokens", ".tmp");
    Files.write(tmp, lines);
    Files.move(
        tmp, tokensFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String id() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
