package com.snapasset.examples.cli;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr. On a terminal it redraws in place; elsewhere (logs, CI) it
 * prints a line per quarter so the output stays readable.
 */
final class ProgressBar {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private int lastShown = -1;

  ProgressBar(PrintWriter err, boolean terminal) {
    this.err = err;
    this.terminal = terminal;
  }

  synchronized void show(int percent, String stage) {
    int p = Math.max(0, Math.min(100, percent));
    if (p < lastShown) {
      return;
    }
    if (terminal) {
      int filled = p * WIDTH / 100;
      err.printf("\r[%s%s] %3d%% %-24s", "#".repeat(filled), ".".repeat(WIDTH - filled), p, stage);
    } else if (lastShown < 0 || p / 25 > lastShown / 25 || p == 100) {
      err.printf("progress %3d%% %s%n", p, stage);
    } else {
      return;
    }
    lastShown = p;
    err.flush();
  }

  synchronized void finish() {
    if (terminal && lastShown >= 0) {
      err.println();
      err.flush();
    }
  }

  static String stageOf(int percent) {
    if (percent < 10) {
      return "generating base image";
    }
    if (percent < 20) {
      return "decoding";
    }
    if (percent < 60) {
      return "rendering";
    }
    return percent < 100 ? "storing" : "done";
  }
}
