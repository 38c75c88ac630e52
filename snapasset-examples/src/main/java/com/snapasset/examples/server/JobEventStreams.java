package com.snapasset.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.snapasset.AssetGenerator;
import com.snapasset.GenerationResult;
import com.snapasset.Job;
import com.snapasset.JobId;
import com.snapasset.JobListener;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live progress of jobs as Server-Sent Events, driven by the generator's {@link JobListener}
 * events: nothing polls the queue for progress. A stream opens with a {@code state} event (the
 * job as it is), then carries {@code active}, {@code progress} and {@code retrying} events, and
 * ends after a final {@code completed}, {@code failed} or {@code removed} event. Comment lines are
 * sent as heartbeats; at each heartbeat a stream also checks that its job still exists, so a job
 * removed by another process does not leave a stream open forever.
 *
 * <p>Listener callbacks only hand work to one writer thread, so a slow client never blocks the
 * engine and the events of one stream stay in order.
 */
final class JobEventStreams implements JobListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

  private final AssetGenerator generator;
  private final ObjectMapper json;
  private final Clock clock = Clock.systemUTC();
  private final Map<JobId, Set<SseStream>> streams = new ConcurrentHashMap<>();
  private final ExecutorService writer = Executors.newSingleThreadExecutor(daemon("snapasset-sse"));
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(daemon("snapasset-sse-heartbeat"));

  JobEventStreams(AssetGenerator generator, ObjectMapper json, Duration heartbeat) {
    this.generator = generator;
    this.json = json;
    long every = heartbeat.toMillis();
    ticker.scheduleAtFixedRate(() -> writer.execute(this::heartbeat), every, every, TimeUnit.MILLISECONDS);
    generator.addListener(this);
  }

  /** Turns the response into an event stream for {@code id}, whose job was found and may be seen. */
  void open(Context ctx, JobId id) {
    open(ctx, id, false);
  }

  /**
   * Like {@link #open(Context, JobId)}; with {@code original} the stream speaks the original's
   * dialect ({@code /api/sse/jobs/:id}): unnamed messages {@code {type: connected | status |
   * progress | done, jobId, status, progress, timestamp}}, which a plain {@code onmessage} handler
   * receives, ending after {@code done} (with {@code result} and {@code error}).
   */
  void open(Context ctx, JobId id, boolean original) {
    ctx.status(200);
    ctx.res().setCharacterEncoding("UTF-8");
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    CompletableFuture<Void> done = new CompletableFuture<>();
    SseStream stream = new SseStream(ctx.res(), done, original);
    ctx.future(() -> done);
    // Subscribe before reading the snapshot, so an event between the two cannot be missed.
    streams.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(stream);
    writer.execute(() -> {
      Optional<Job> job = generator.job(id);
      stream.opened = true;
      stream.retry(3000);
      if (original) {
        stream.message(write(Map.of("type", "connected", "jobId", id.value())));
      }
      if (job.isEmpty()) {
        finish(id, stream, "removed", Map.of("jobId", id.value(), "status", "removed"));
      } else if (job.get().isFinished()) {
        finish(id, stream, Views.status(job.get().state()), Views.JobView.of(job.get()));
      } else {
        send(id, stream, "state", Views.JobView.of(job.get()));
      }
    });
  }

  /** Ends the streams of a job removed by this process. */
  void removed(JobId id) {
    writer.execute(() -> finishAll(id, "removed", Map.of("jobId", id.value(), "status", "removed")));
  }

  int openStreams() {
    return streams.values().stream().mapToInt(Set::size).sum();
  }

  @Override
  public void onActive(JobId id, int attempt) {
    dispatch(id, "active", Map.of("jobId", id.value(), "status", "active", "attempt", attempt));
  }

  @Override
  public void onProgress(JobId id, int progress) {
    dispatch(id, "progress", Map.of("jobId", id.value(), "progress", progress));
  }

  @Override
  public void onRetrying(JobId id, String reason) {
    dispatch(id, "retrying", Map.of("jobId", id.value(), "status", "delayed", "reason", reason));
  }

  @Override
  public void onCompleted(JobId id, GenerationResult result) {
    if (streams.containsKey(id)) {
      writer.execute(() -> {
        Object view = generator.job(id).<Object>map(Views.JobView::of).orElseGet(() -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("jobId", id.value());
          m.put("status", "completed");
          m.put("progress", 100);
          m.put("result", Views.ResultView.of(result, false));
          return m;
        });
        finishAll(id, "completed", view);
      });
    }
  }

  @Override
  public void onFailed(JobId id, String reason) {
    if (streams.containsKey(id)) {
      writer.execute(() -> {
        Object view = generator.job(id).<Object>map(Views.JobView::of)
            .orElseGet(() -> Map.of("jobId", id.value(), "status", "failed", "failedReason", reason));
        finishAll(id, "failed", view);
      });
    }
  }

  @Override
  public void close() {
    generator.removeListener(this);
    ticker.shutdownNow();
    writer.shutdownNow();
    streams.values().forEach(set -> set.forEach(SseStream::close));
    streams.clear();
  }

  private void dispatch(JobId id, String event, Object data) {
    if (streams.containsKey(id)) {
      writer.execute(() -> each(id, s -> {
        if (s.opened) {
          send(id, s, event, data);
        }
      }));
    }
  }

  private void heartbeat() {
    for (JobId id : List.copyOf(streams.keySet())) {
      try {
        if (generator.job(id).isEmpty()) {
          finishAll(id, "removed", Map.of("jobId", id.value(), "status", "removed"));
          continue;
        }
      } catch (RuntimeException e) {
        log.debug("heartbeat could not look up job {}", id, e);
      }
      each(id, s -> {
        if (s.opened && !s.comment("heartbeat")) {
          drop(id, s);
        }
      });
    }
  }

  private void finishAll(JobId id, String event, Object data) {
    each(id, s -> finish(id, s, event, data));
  }

  private void finish(JobId id, SseStream s, String event, Object data) {
    send(id, s, event, data);
    s.close();
    drop(id, s);
  }

  private void send(JobId id, SseStream s, String event, Object data) {
    try {
      boolean sent = s.original
          ? s.message(json.writeValueAsString(original(id, s, event, data)))
          : s.event(event, json.writeValueAsString(data));
      if (!sent) {
        drop(id, s);
      }
    } catch (JsonProcessingException e) {
      log.warn("event {} of job {} could not be written as JSON", event, id, e);
    }
  }

  /** One of our events as the original's message: its type, and the job's status and progress again. */
  private Map<String, Object> original(JobId id, SseStream s, String event, Object data) {
    JsonNode node = json.valueToTree(data);
    if (node.hasNonNull("status")) {
      s.lastStatus = node.get("status").asText();
    }
    if (node.hasNonNull("progress")) {
      s.lastProgress = node.get("progress").asInt();
    }
    boolean done = event.equals("completed") || event.equals("failed") || event.equals("removed");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", done ? "done" : event.equals("state") ? "status" : "progress");
    m.put("jobId", id.value());
    m.put("status", done ? event : s.lastStatus);
    m.put("progress", done ? 100 : s.lastProgress);
    if (done) {
      m.put("result", node.get("result"));
      m.put("error", node.hasNonNull("failedReason") ? node.get("failedReason").asText() : null);
    }
    m.put("timestamp", clock.instant());
    return m;
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void each(JobId id, java.util.function.Consumer<SseStream> action) {
    Set<SseStream> set = streams.get(id);
    if (set != null) {
      for (SseStream s : List.copyOf(set)) {
        action.accept(s);
      }
    }
  }

  private void drop(JobId id, SseStream s) {
    s.close();
    streams.computeIfPresent(id, (k, set) -> {
      set.remove(s);
      return set.isEmpty() ? null : set;
    });
  }

  static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
