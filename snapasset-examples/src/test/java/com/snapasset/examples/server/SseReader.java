package com.snapasset.examples.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Reads a Server-Sent Events response on its own thread and hands over each event as it comes. */
final class SseReader implements AutoCloseable {
  /** One event or comment; {@code name} is {@code ":"} for a comment. */
  record Event(String name, String id, String data) {}

  private static final Event END = new Event("<end>", "", "");

  final HttpResponse<InputStream> response;
  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final Thread thread;

  SseReader(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
    response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    thread = new Thread(this::read, "sse-reader");
    thread.setDaemon(true);
    thread.start();
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String name = "message";
      String id = "";
      List<String> data = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(name, id, String.join("\n", data)));
          }
          name = "message";
          id = "";
          data.clear();
        } else if (line.startsWith(":")) {
          events.add(new Event(":", "", line.substring(1).trim()));
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("id:")) {
          id = line.substring(3).trim();
        } else if (line.startsWith("data:")) {
          data.add(line.substring(5).trim());
        }
      }
    } catch (IOException ignored) {
      // the stream was closed; END below tells the test
    } finally {
      events.add(END);
    }
  }

  /** The next event, or an AssertionError when none arrives in time. Null once the stream ended. */
  Event next(Duration timeout) throws InterruptedException {
    Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == null) {
      throw new AssertionError("no event within " + timeout);
    }
    return e == END ? null : e;
  }

  /** Events up to and including the first one named {@code name}. */
  List<Event> until(String name, Duration timeout) throws InterruptedException {
    List<Event> seen = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event e = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (e == null) {
        throw new AssertionError("stream ended before '" + name + "'; saw " + seen);
      }
      seen.add(e);
      if (e.name().equals(name)) {
        return seen;
      }
    }
  }

  /** Whether the server ended the stream within {@code timeout}. */
  boolean endsWithin(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Event e = events.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
      if (e == END) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() throws IOException {
    response.body().close();
  }
}
