package com.snapasset.examples.server;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One open Server-Sent Events response. Writes go straight to the servlet response, never through
 * the compressing stream: a gzip encoder would hold small events back until its buffer filled,
 * which is how the original's stream delivered nothing to browsers that accept gzip.
 */
final class SseStream {
  private final HttpServletResponse response;
  private final CompletableFuture<Void> done;
  /** The original's unnamed {@code data:} messages with a {@code type} field, instead of named events. */
  final boolean original;
  /** What the original's messages repeat in each one; written by the one writer thread only. */
  String lastStatus = "waiting";
  int lastProgress;
  /**
   * Whether the stream's first message (the job's state) has been written; written and read by the
   * one writer thread only. Until then heartbeats and events skip the stream: the state it is about
   * to send is read after them, so it already includes what they say.
   */
  boolean opened;
  private long nextId = 1;
  private boolean closed;

  SseStream(HttpServletResponse response, CompletableFuture<Void> done) {
    this(response, done, false);
  }

  SseStream(HttpServletResponse response, CompletableFuture<Void> done, boolean original) {
    this.response = response;
    this.done = done;
    this.original = original;
  }

  /** Sends one unnamed message with the next id: what a plain {@code onmessage} handler receives. */
  synchronized boolean message(String jsonData) {
    return write("id: " + nextId++ + "\ndata: " + jsonData + "\n\n");
  }

  /** Sends one event with the next id; false once the client is gone. */
  synchronized boolean event(String name, String jsonData) {
    return write("id: " + nextId++ + "\nevent: " + name + "\ndata: " + jsonData + "\n\n");
  }

  /** Sends a comment line, which keeps proxies and the client's connection awake. */
  synchronized boolean comment(String text) {
    return write(": " + text + "\n\n");
  }

  /** Sends the reconnection delay clients should use. */
  synchronized boolean retry(long millis) {
    return write("retry: " + millis + "\n\n");
  }

  synchronized boolean isClosed() {
    return closed;
  }

  /** Ends the response. Idempotent. */
  synchronized void close() {
    if (!closed) {
      closed = true;
      done.complete(null);
    }
  }

  private boolean write(String text) {
    if (closed) {
      return false;
    }
    try {
      response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
      response.flushBuffer();
      return true;
    } catch (IOException | IllegalStateException e) {
      close();
      return false;
    }
  }
}
