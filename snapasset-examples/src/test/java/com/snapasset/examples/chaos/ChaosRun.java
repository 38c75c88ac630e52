package com.snapasset.examples.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.JobId;
import com.snapasset.JobState;
import com.snapasset.redis.RedisJobQueue;
import com.snapasset.spi.queue.QueueEvent;
import com.snapasset.spi.queue.QueuedJob;
import com.snapasset.spi.queue.Subscription;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import redis.clients.jedis.RedisClient;
import redis.embedded.core.ExecutableProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * The whole system under faults: a real redis-server on its AOF, s3proxy as a separate process, a
 * fake OpenAI server injecting 429s, 500s and hangs, an API node and several worker JVMs of {@code
 * snapasset}. Jobs are submitted over HTTP while workers are SIGKILLed on a schedule, Redis is
 * killed and restarted, S3 is stopped and the provider made unreachable; then every job id's final
 * state, every stored file, the payments per prompt and the takeover latency are checked, and one
 * summary is printed.
 */
final class ChaosRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCESS = "chaos-access-key";
  private static final String SECRET = "chaos-secret-key";
  private static final String BUCKET = "chaos";
  private static final List<String> PLATFORMS = List.of("320x180", "200x200");
  private static final Pattern STARTED_AS = Pattern.compile("started as (\\S+):");

  /**
   * What to run.
   *
   * @param jobs jobs submitted, duplicates included
   * @param duplicates how many of them repeat an earlier job's prompt (its image must not be paid again)
   * @param submitOver the submission window; faults happen inside it
   * @param killEvery a worker is SIGKILLed (and a new one started) this often; zero for never
   */
  record Config(int jobs, int duplicates, Duration submitOver, int workers, int concurrency,
      Duration killEvery, boolean restartRedis, Duration s3Outage, Duration providerOutage,
      Duration burst429, double rate429, double rate500, double rateHang, Duration finishWithin) {

    static Config small() {
      return new Config(240, 40, Duration.ofSeconds(45), 3, 3, Duration.ofSeconds(12), true,
          Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(3), 0.10, 0.05, 0.02,
          Duration.ofSeconds(100));
    }

    static Config full() {
      return new Config(3100, 100, Duration.ofMinutes(5), 3, 4, Duration.ofSeconds(15), true,
          Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(5), 0.10, 0.05, 0.02,
          Duration.ofMinutes(12));
    }
  }

  /** What the run found. */
  record Summary(int submitted, int completed, int failed, int lost, int stuck, int completedTwice,
      int filesChecked, int filesWrong, int promptsPaidOnce, int promptsNeverPaid, int extraPayments,
      int kills, List<Long> takeoverMillis, List<Long> reclaimMillis, Map<String, Integer> failureReasons,
      Duration took) {

    long takeoverP95() {
      return p95(takeoverMillis);
    }

    private static long p95(List<Long> millis) {
      if (millis.isEmpty()) {
        return 0;
      }
      List<Long> sorted = new ArrayList<>(millis);
      Collections.sort(sorted);
      return sorted.get((int) Math.ceil(0.95 * sorted.size()) - 1);
    }

    @Override
    public String toString() {
      List<Long> sorted = new ArrayList<>(takeoverMillis);
      Collections.sort(sorted);
      return String.format(
          "CHAOS SUMMARY (%s)%n"
              + "  jobs submitted %d: completed %d, failed %d, lost %d, stuck %d, completed twice %d%n"
              + "  files checked %d, wrong %d%n"
              + "  prompts paid once %d, never paid %d, extra payments %d (worker SIGKILLs: %d)%n"
              + "  takeover after SIGKILL (job back to waiting): %d jobs, p50 %d ms, p95 %d ms, max %d ms%n"
              + "  claimed again after SIGKILL (capacity and outages permitting): %d jobs, p95 %d ms%n"
              + "  failure reasons: %s",
          took, submitted, completed, failed, lost, stuck, completedTwice, filesChecked, filesWrong,
          promptsPaidOnce, promptsNeverPaid, extraPayments, kills, sorted.size(),
          sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2), takeoverP95(),
          sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1), reclaimMillis.size(), p95(reclaimMillis),
          failureReasons);
    }
  }

  private final Config config;
  private final Path dir;
  private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  private final String classpath = System.getProperty("java.class.path");
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Child> workers = new CopyOnWriteArrayList<>();
  private final AtomicInteger workerSeq = new AtomicInteger();
  private final Map<String, Integer> completions = new ConcurrentHashMap<>();
  private final Map<String, String> results = new ConcurrentHashMap<>();
  private final Map<String, Long> awaitingTakeover = new ConcurrentHashMap<>();
  private final Map<String, Long> awaitingReclaim = new ConcurrentHashMap<>();
  private final List<Long> takeovers = new CopyOnWriteArrayList<>();
  private final List<Long> reclaims = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private Child redis;
  private Child s3;
  private Child api;
  private int redisPort;
  private int s3Port;
  private int apiPort;
  private FakeOpenAi provider;
  private int kills;

  ChaosRun(Config config, Path dir) {
    this.config = config;
    this.dir = dir;
  }

  Summary run() throws Exception {
    long t0 = System.nanoTime();
    redisPort = freePort();
    s3Port = freePort();
    apiPort = freePort();
    provider = new FakeOpenAi(freePort(), config.rate429(), config.rate500(), config.rateHang(), 4_000);
    try {
      startRedis();
      startS3();
      api = startSnapasset("api", List.of("serve", "--no-worker", "--host", "127.0.0.1", "-p", Integer.toString(apiPort),
          "--jobs-per-hour", "0", "--max-pending-jobs", "0", "--critical-queue-depth", "0"));
      awaitHttp("http://127.0.0.1:" + apiPort + "/health", Duration.ofSeconds(60));
      for (int i = 0; i < config.workers(); i++) {
        startWorker();
      }
      try (RedisJobQueue queue = RedisJobQueue.builder().url(redisUrl()).build();
          Subscription events = queue.subscribe(this::onEvent)) {
        for (Child w : workers) {
          w.awaitWorkerId(Duration.ofSeconds(60));
        }
        Map<String, String> promptOf = submitUnderFaults(queue);
        awaitFinish(queue, promptOf.keySet());
        return check(queue, promptOf, Duration.ofNanos(System.nanoTime() - t0));
      }
    } finally {
      for (Child w : workers) {
        w.kill();
      }
      if (api != null) {
        api.kill();
      }
      if (s3 != null) {
        s3.kill();
      }
      if (redis != null) {
        redis.kill();
      }
      provider.close();
    }
  }

  private void onEvent(QueueEvent e) {
    String id = e.jobId().value();
    if (e.type() == QueueEvent.Type.COMPLETED) {
      completions.merge(id, 1, Integer::sum);
      if (e.data() != null) {
        results.putIfAbsent(id, e.data());
      }
    } else if (e.type() == QueueEvent.Type.STALLED) {
      // the sweep took the dead worker's job back: it is waiting again
      Long killedAt = awaitingTakeover.remove(id);
      if (killedAt != null) {
        takeovers.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
    } else if (e.type() == QueueEvent.Type.ACTIVE) {
      Long killedAt = awaitingReclaim.remove(id);
      if (killedAt != null) {
        reclaims.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt));
      }
    }
  }

  // ---- submission and the fault schedule ----------------------------------------------------

  private Map<String, String> submitUnderFaults(RedisJobQueue queue) throws Exception {
    Map<String, String> promptOf = new ConcurrentHashMap<>();
    List<String> prompts = new ArrayList<>();
    long start = System.nanoTime();
    long window = config.submitOver().toNanos();
    List<Fault> faults = schedule();
    int nextFault = 0;
    long nextKill = config.killEvery().isZero() ? Long.MAX_VALUE : config.killEvery().toNanos();
    for (int i = 0; i < config.jobs(); i++) {
      long due = start + window * i / config.jobs();
      while (true) {
        long now = System.nanoTime() - start;
        if (nextFault < faults.size() && faults.get(nextFault).at <= now) {
          faults.get(nextFault++).action.run();
          continue;
        }
        if (nextKill <= now) {
          killAWorker(queue);
          nextKill += config.killEvery().toNanos();
          continue;
        }
        long wait = due - System.nanoTime();
        if (wait <= 0) {
          break;
        }
        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50))); // pacing the producer
      }
      String prompt = i % (config.jobs() / Math.max(1, config.duplicates())) == 1 && !prompts.isEmpty()
          && prompts.size() < config.jobs()
          ? prompts.get(prompts.size() / 2) // a prompt paid for already (or about to be)
          : "chaos prompt " + i;
      prompts.add(prompt);
      promptOf.put(submit(prompt, i), prompt);
    }
    // faults scheduled past the last submission still happen
    for (; nextFault < faults.size(); nextFault++) {
      long wait = start + faults.get(nextFault).at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      faults.get(nextFault).action.run();
    }
    return promptOf;
  }

  private record Fault(long at, Runnable action) {}

  private List<Fault> schedule() {
    long w = config.submitOver().toNanos();
    List<Fault> f = new ArrayList<>();
    f.add(new Fault(w * 10 / 100, () -> {
      note("provider unreachable for " + config.providerOutage());
      provider.stop();
    }));
    f.add(new Fault(w * 10 / 100 + config.providerOutage().toNanos(), () -> {
      note("provider back");
      try {
        provider.start();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }));
    if (config.restartRedis()) {
      f.add(new Fault(w * 45 / 100, () -> {
        note("redis SIGKILL + restart on its AOF");
        redis.kill();
        startRedis();
      }));
    }
    f.add(new Fault(w * 60 / 100, () -> {
      note("S3 stopped for " + config.s3Outage());
      s3.kill();
    }));
    f.add(new Fault(w * 60 / 100 + config.s3Outage().toNanos(), () -> {
      note("S3 back");
      startS3();
    }));
    f.add(new Fault(w * 80 / 100, () -> {
      note("429 burst for " + config.burst429());
      provider.burst429(true);
    }));
    f.add(new Fault(w * 80 / 100 + config.burst429().toNanos(), () -> provider.burst429(false)));
    f.sort((a, b) -> Long.compare(a.at, b.at));
    return f;
  }

  private void killAWorker(RedisJobQueue queue) {
    Child victim = workers.get(0);
    String workerId = victim.readWorkerId();
    if (workerId != null) {
      try (RedisClient jedis = RedisClient.create("127.0.0.1", redisPort)) {
        Set<String> held = jedis.smembers(queue.keyPrefix() + "wjobs:" + workerId);
        long now = System.nanoTime();
        for (String id : held) {
          awaitingTakeover.put(id, now);
          awaitingReclaim.put(id, now);
        }
        note("SIGKILL " + victim.name + " holding " + held.size() + " job(s)");
      } catch (RuntimeException e) {
        note("SIGKILL " + victim.name + " (its jobs unknown: " + e.getMessage() + ")");
      }
    }
    victim.kill();
    workers.remove(victim);
    kills++;
    startWorker();
  }

  private String submit(String prompt, int i) throws InterruptedException {
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("userId", "chaos-" + (i % 20), "prompt", prompt, "platforms", PLATFORMS));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/jobs"))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
          return JSON.readTree(r.body()).get("jobId").asText();
        }
        if (attempt == 1 || attempt % 20 == 0) {
          note("POST /api/jobs answered " + r.statusCode() + " (retrying): " + r.body());
        }
      } catch (IOException e) {
        if (attempt == 1 || attempt % 20 == 0) {
          note("POST /api/jobs failed (retrying): " + e);
        }
      }
      if (attempt > 600) {
        throw new IllegalStateException("the API node refused jobs for too long");
      }
      TimeUnit.MILLISECONDS.sleep(100); // the API node is riding out an outage: try again shortly
    }
  }

  // ---- the end: wait, then check everything ------------------------------------------------

  private void awaitFinish(RedisJobQueue queue, Set<String> ids) throws InterruptedException {
    long deadline = System.nanoTime() + config.finishWithin().toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var s = queue.stats();
        if (s.waiting() + s.active() + s.delayed() == 0) {
          return;
        }
      } catch (RuntimeException e) {
        // Redis may be restarting
      }
      TimeUnit.MILLISECONDS.sleep(500); // polling the queue's counts until the deadline
    }
    note("jobs still unfinished at the deadline");
  }

  private Summary check(RedisJobQueue queue, Map<String, String> promptOf, Duration took) throws Exception {
    int completed = 0;
    int failed = 0;
    int lost = 0;
    int stuck = 0;
    Map<String, Integer> reasons = new TreeMap<>();
    List<JsonNode> toVerify = new ArrayList<>();
    for (String id : promptOf.keySet()) {
      Optional<QueuedJob> job = queue.find(JobId.of(id));
      if (job.isEmpty()) {
        String result = results.get(id);
        if (result != null) {
          completed++; // trimmed by keepCompleted after completing: its result came with the event
          toVerify.add(JSON.readTree(result));
        } else {
          lost++;
        }
        continue;
      }
      QueuedJob q = job.get();
      if (q.state() == JobState.COMPLETED) {
        completed++;
        toVerify.add(JSON.readTree(q.result()));
      } else if (q.state() == JobState.FAILED) {
        failed++;
        reasons.merge(String.valueOf(q.failedReason()).replaceAll("[0-9]+", "N"), 1, Integer::sum);
      } else {
        stuck++;
      }
    }
    int twice = (int) completions.values().stream().filter(n -> n > 1).count();

    int checked = 0;
    int wrong = 0;
    try (S3Client s3client = s3Client()) {
      for (JsonNode r : toVerify) {
        for (JsonNode a : r.path("assets")) {
          checked++;
          try {
            String key = a.path("key").asText();
            int width = a.path("width").asInt();
            int height = a.path("height").asInt();
            ResponseBytes<GetObjectResponse> bytes = s3client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key));
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes.asByteArray()));
            if (img == null || img.getWidth() != width || img.getHeight() != height
                || !PLATFORMS.contains(width + "x" + height) || bytes.asByteArray().length != a.path("byteSize").asLong()) {
              wrong++;
            }
          } catch (RuntimeException e) {
            wrong++;
          }
        }
      }
    }

    Map<String, Integer> payments = provider.payments();
    Set<String> prompts = new java.util.HashSet<>(promptOf.values());
    int once = 0;
    int never = 0;
    int extra = 0;
    for (String p : prompts) {
      int n = payments.getOrDefault(p, 0);
      if (n == 0) {
        never++;
      } else if (n == 1) {
        once++;
      } else {
        extra += n - 1;
      }
    }
    Summary s = new Summary(promptOf.size(), completed, failed, lost, stuck, twice, checked, wrong, once, never,
        extra, kills, List.copyOf(takeovers), List.copyOf(reclaims), reasons, took);
    note("faults: 429 served " + provider.served429 + ", 500 served " + provider.served500 + ", hangs " + provider.hung
        + "; takeovers not observed (events missed during the Redis restart): " + awaitingTakeover.size());
    return s;
  }

  List<String> notes() {
    return log;
  }

  private void note(String line) {
    String stamped = String.format("[chaos %tT] %s", System.currentTimeMillis(), line);
    log.add(stamped);
    System.out.println(stamped);
  }

  // ---- processes -------------------------------------------------------------------------

  private String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  private void startRedis() {
    try {
      Path data = Files.createDirectories(dir.resolve("redis"));
      redis = Child.start("redis", dir, Map.of(), redisBinary(), "--port", Integer.toString(redisPort),
          "--bind", "127.0.0.1", "--save", "", "--dir", data.toString(), "--appendonly", "yes",
          "--appendfsync", "always");
      awaitPort(redisPort, Duration.ofSeconds(30));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server", e);
    }
  }

  private static String redisBinary() throws IOException {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(File.pathSeparator)) {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    return ExecutableProvider.newJarResourceProvider().get().getAbsolutePath();
  }

  private void startS3() {
    try {
      Path data = Files.createDirectories(dir.resolve("s3"));
      Files.createDirectories(data.resolve(BUCKET));
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS,
          "s3proxy.credential=" + SECRET,
          "jclouds.provider=filesystem",
          "jclouds.filesystem.basedir=" + data) + "\n");
      Path jar = Path.of("target", "chaos", "s3proxy.jar").toAbsolutePath();
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: the build copies it (mvn -pl snapasset-examples test-compile)");
      }
      s3 = Child.start("s3proxy", dir, Map.of(), java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
          "-Dlogback.configurationFile=" + logback(), "-jar", jar.toString(), "--properties", props.toString());
      awaitPort(s3Port, Duration.ofSeconds(60));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start s3proxy", e);
    }
  }

  /** A quiet logging set-up for s3proxy, whose unconfigured logback logs every request. */
  private String logback() throws IOException {
    Path f = dir.resolve("s3proxy-logback.xml");
    if (!Files.exists(f)) {
      Files.writeString(f, "<configuration><appender name=\"o\" class=\"ch.qos.logback.core.ConsoleAppender\">"
          + "<encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder></appender>"
          + "<root level=\"WARN\"><appender-ref ref=\"o\"/></root></configuration>\n");
    }
    return f.toString();
  }

  private void startWorker() {
    Child w = startSnapasset("worker-" + workerSeq.incrementAndGet(),
        List.of("worker", "-c", Integer.toString(config.concurrency())));
    workers.add(w);
  }

  private Child startSnapasset(String name, List<String> args) {
    Map<String, String> env = new HashMap<>();
    env.put("REDIS_URL", redisUrl());
    env.put("S3_BUCKET", BUCKET);
    env.put("S3_ENDPOINT", "http://127.0.0.1:" + s3Port);
    env.put("S3_REGION", "us-east-1");
    env.put("AWS_ACCESS_KEY_ID", ACCESS);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET);
    env.put("OPENAI_API_KEY", "sk-chaos-not-a-real-key");
    env.put("OPENAI_BASE_URL", provider.baseUrl());
    env.put("SNAPASSET_OPENAI_TIMEOUT_SECONDS", "2");
    env.put("RENDER_THREADS", "1");
    env.put("METRICS_PORT", "-1"); // several workers on one machine: none serves /metrics
    env.put("SNAPASSET_OUTPUT", dir.resolve("files").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        // the worker's log line "started as <id>" tells which worker id a process has
        "-Dorg.slf4j.simpleLogger.log.com.snapasset.internal.QueueWorker=info",
        "-cp", classpath, "com.snapasset.examples.cli.SnapAssetCli"));
    cmd.addAll(args);
    try {
      return Child.start(name, dir, env, cmd.toArray(String[]::new));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name, e);
    }
  }

  private S3Client s3Client() {
    return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + s3Port))
        .region(Region.US_EAST_1).forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
        .build();
  }

  private void awaitHttp(String url, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      TimeUnit.MILLISECONDS.sleep(100); // polling a starting server with a deadline
    }
    throw new IllegalStateException(url + " did not answer within " + within);
  }

  private static void awaitPort(int port, Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return;
      } catch (IOException e) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // polling a starting server
      }
    }
    throw new IllegalStateException("nothing listens on port " + port + " after " + within);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A child process whose output goes to a log file in the run's folder. */
  private static final class Child {
    final String name;
    final Process process;
    final Path logFile;
    volatile String workerId;

    private Child(String name, Process process, Path logFile) {
      this.name = name;
      this.process = process;
      this.logFile = logFile;
    }

    static Child start(String name, Path dir, Map<String, String> env, String... cmd) throws IOException {
      Path logFile = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      pb.environment().putAll(env);
      return new Child(name, pb.start(), logFile);
    }

    String readWorkerId() {
      if (workerId == null && Files.exists(logFile)) {
        try {
          Matcher m = STARTED_AS.matcher(Files.readString(logFile));
          if (m.find()) {
            workerId = m.group(1);
          }
        } catch (IOException e) {
          // not readable yet
        }
      }
      return workerId;
    }

    void awaitWorkerId(Duration within) throws InterruptedException, IOException {
      long deadline = System.nanoTime() + within.toNanos();
      while (System.nanoTime() < deadline) {
        if (readWorkerId() != null) {
          return;
        }
        if (!process.isAlive()) {
          throw new IllegalStateException(name + " exited: " + Files.readString(logFile));
        }
        TimeUnit.MILLISECONDS.sleep(100); // polling the log of a starting worker
      }
      throw new IllegalStateException(name + " did not start within " + within);
    }

    void kill() {
      process.destroyForcibly(); // SIGKILL
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
