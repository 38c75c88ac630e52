package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.snapasset.SourceFetchPolicy;
import com.snapasset.SourceImageException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SSRF-safe fetch of source-image URLs: against a real HTTP server on 127.0.0.1 for what a
 * hostile server can do (redirects, floods, trickles, cookies), and with the default policy for
 * what a hostile URL can name (loopback, metadata, private ranges, other schemes).
 */
class SourceFetcherTest {
  private static final byte[] IMAGE = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private HttpServer server;
  private final Map<String, Handler> routes = new ConcurrentHashMap<>();
  private final List<Headers> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @FunctionalInterface
  interface Handler {
    void handle(HttpExchange exchange) throws IOException;
  }

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 0);
    server.createContext("/", exchange -> {
      received.add(exchange.getRequestHeaders());
      Handler handler = routes.get(exchange.getRequestURI().getPath());
      try (exchange) {
        if (handler == null) {
          exchange.sendResponseHeaders(404, -1);
        } else {
          handler.handle(exchange);
        }
      } catch (IOException ignored) {
        // the client hung up, as it should when it gives up
      }
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** http allowed and exactly 127.0.0.1 reachable: every other address is refused. */
  private SourceFetcher onlyThisServer(SourceFetchPolicy policy) {
    return new SourceFetcher(policy.withAllowHttp(true), InetAddress::getAllByName, a -> a.equals(LOOPBACK));
  }

  private SourceFetcher onlyThisServer() {
    return onlyThisServer(SourceFetchPolicy.defaults());
  }

  private static SourceImageException fails(SourceFetcher fetcher, String url) {
    SourceImageException e = catchThrowableOfType(SourceImageException.class, () -> fetcher.fetch(URI.create(url)));
    assertThat(e).as("fetching %s must fail", url).isNotNull();
    return e;
  }

  // ---- what a hostile URL can name: refused before anything is sent

  @ParameterizedTest
  @ValueSource(strings = {
      "https://127.0.0.1/x.png", "https://localhost/x.png", "https://[::1]/x.png", "https://169.254.169.254/latest/meta-data/",
      "https://10.0.0.7/x.png", "https://192.168.0.1/x.png", "https://[::ffff:127.0.0.1]/x.png", "https://[fd00:ec2::254]/",
      "https://2130706433/x.png", "https://0.0.0.0/x.png", "https://100.100.100.200/latest/meta-data"})
  void theDefaultPolicyRefusesNonPublicAddressesWithoutConnecting(String url) {
    SourceImageException e = fails(new SourceFetcher(SourceFetchPolicy.defaults()), url);

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("not a public address");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://example.com/x.png", "file:///etc/passwd", "ftp://example.com/x.png",
      "gopher://example.com/_", "jar:file:/x.jar!/a.png"})
  void theDefaultPolicyRefusesEverySchemeButHttps(String url) {
    SourceImageException e = fails(new SourceFetcher(SourceFetchPolicy.defaults()), url);

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("only https is fetched");
  }

  @Test
  void aHostThatResolvesToAnyPrivateAddressIsRefused() throws Exception {
    SourceFetcher.Resolver dns = host -> switch (host) {
      case "metadata.attacker.test" -> new InetAddress[] {InetAddress.getByName("169.254.169.254")};
      case "mixed.attacker.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3")};
      default -> throw new UnknownHostException(host);
    };
    SourceFetcher fetcher = new SourceFetcher(SourceFetchPolicy.defaults(), dns, PublicAddresses::isPublic);

    assertThat(fails(fetcher, "https://metadata.attacker.test/")).hasMessageContaining("169.254.169.254");
    assertThat(fails(fetcher, "https://mixed.attacker.test/")).hasMessageContaining("10.1.2.3");
    assertThat(fails(fetcher, "https://nowhere.test/")).hasMessageContaining("does not resolve");
  }

  @Test
  void credentialsInTheUrlAreRefused() {
    SourceImageException e = fails(onlyThisServer(), "http://user:secret@127.0.0.1:" + server.getAddress().getPort() + "/a.png");

    assertThat(e).hasMessageContaining("carries credentials").hasMessageNotContaining("secret");
    assertThat(received).isEmpty();
  }

  // ---- what a hostile server can do

  @Test
  void anImageIsFetchedAndNothingOfTheCallersIsSent() throws Exception {
    routes.put("/a.png", ex -> send(ex, 200, IMAGE));

    byte[] data = onlyThisServer().fetch(URI.create(url("/a.png")));

    assertThat(data).isEqualTo(IMAGE);
    Headers sent = received.get(0);
    assertThat(sent.containsKey("Authorization")).isFalse();
    assertThat(sent.containsKey("Cookie")).isFalse();
    assertThat(sent.getFirst("User-Agent")).isEqualTo("SnapAsset");
  }

  @Test
  void redirectsAreFollowedAndEachHopIsCheckedAgain() throws Exception {
    routes.put("/hop", ex -> redirect(ex, "/a.png", "session=stolen"));
    routes.put("/a.png", ex -> send(ex, 200, IMAGE));
    routes.put("/to-metadata", ex -> redirect(ex, "http://169.254.169.254/latest/meta-data/iam", null));
    routes.put("/to-other-loopback", ex -> redirect(ex, "http://127.0.0.2:" + server.getAddress().getPort() + "/a.png", null));
    routes.put("/to-file", ex -> redirect(ex, "file:///etc/passwd", null));

    assertThat(onlyThisServer().fetch(URI.create(url("/hop")))).isEqualTo(IMAGE);
    assertThat(received.get(1).containsKey("Cookie")).as("a cookie set by a redirect is not sent back").isFalse();
    assertThat(fails(onlyThisServer(), url("/to-metadata"))).hasMessageContaining("169.254.169.254");
    assertThat(fails(onlyThisServer(), url("/to-other-loopback"))).hasMessageContaining("127.0.0.2");
    assertThat(fails(onlyThisServer(), url("/to-file"))).hasMessageContaining("only https");
    assertThat(received).hasSize(5);
  }

  @Test
  void aRedirectLoopStopsAtMaxRedirects() {
    routes.put("/loop", ex -> redirect(ex, "/loop", null));

    SourceImageException e = fails(onlyThisServer(SourceFetchPolicy.defaults().withMaxRedirects(2)), url("/loop"));

    assertThat(e.isRetryable()).isFalse();
    assertThat(e).hasMessageContaining("redirects more than 2 times");
    assertThat(received).hasSize(3);
  }

  @Test
  void aBodyOverTheCapIsCutWhetherAnnouncedOrStreamed() {
    routes.put("/announced", ex -> send(ex, 200, new byte[5_000]));
    routes.put("/streamed", ex -> {
      ex.sendResponseHeaders(200, 0); // chunked: no length announced
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 1_000; i++) {
          out.write(new byte[1_024]);
        }
      }
    });
    SourceFetcher fetcher = onlyThisServer(SourceFetchPolicy.defaults().withMaxBytes(1_000));

    SourceImageException announced = fails(fetcher, url("/announced"));
    SourceImageException streamed = fails(fetcher, url("/streamed"));

    assertThat(announced.isRetryable()).isFalse();
    assertThat(announced).hasMessageContaining("5000 bytes, over the cap of 1000");
    assertThat(streamed.isRetryable()).isFalse();
    assertThat(streamed).hasMessageContaining("more than 1000 bytes");
  }

  @Test
  void aServerThatTricklesIsCutAtTheDeadline() {
    routes.put("/slow", ex -> {
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write(IMAGE);
      out.flush();
      try {
        release.await(30, TimeUnit.SECONDS); // holds the body open until the test ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    SourceImageException e = fails(onlyThisServer(SourceFetchPolicy.defaults().withTimeout(Duration.ofMillis(500))), url("/slow"));

    assertThat(e.isRetryable()).isTrue();
    assertThat(e).hasMessageContaining("took longer than PT0.5S");
  }

  @Test
  void errorsAreRetryableOnlyWhenTheServerMayRecover() {
    routes.put("/gone", ex -> send(ex, 410, new byte[0]));
    routes.put("/busy", ex -> send(ex, 503, new byte[0]));
    routes.put("/empty", ex -> send(ex, 200, new byte[0]));

    assertThat(fails(onlyThisServer(), url("/missing")).isRetryable()).isFalse();
    assertThat(fails(onlyThisServer(), url("/gone"))).hasMessageContaining("HTTP 410");
    assertThat(fails(onlyThisServer(), url("/busy")).isRetryable()).isTrue();
    assertThat(fails(onlyThisServer(), url("/empty"))).hasMessageContaining("is empty");
  }

  @Test
  void aRefusedConnectionIsRetryable() throws IOException {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0, 1, LOOPBACK)) {
      closedPort = socket.getLocalPort();
    }

    SourceImageException e = fails(onlyThisServer(), "http://127.0.0.1:" + closedPort + "/a.png");

    assertThat(e.isRetryable()).isTrue();
  }

  @Test
  void theQueryOfAPresignedUrlStaysOutOfMessages() {
    routes.put("/p.png", ex -> send(ex, 403, new byte[0]));

    SourceImageException e = fails(onlyThisServer(), url("/p.png?X-Amz-Signature=deadbeef&token=secret"));

    assertThat(e).hasMessageContaining("/p.png").hasMessageNotContaining("deadbeef").hasMessageNotContaining("secret");
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void redirect(HttpExchange ex, String location, String cookie) throws IOException {
    ex.getResponseHeaders().add("Location", location);
    if (cookie != null) {
      ex.getResponseHeaders().add("Set-Cookie", cookie);
    }
    ex.sendResponseHeaders(302, -1);
  }
}
