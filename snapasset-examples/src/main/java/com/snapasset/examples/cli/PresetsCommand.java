package com.snapasset.examples.cli;

import com.snapasset.Platform;
import com.snapasset.PlatformRegistry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code snapasset presets}: the built-in platform presets. */
@Command(name = "presets", mixinStandardHelpOptions = true, description = "Lists the platform presets.")
final class PresetsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("%-20s %-20s %s%n", "ID", "NAME", "SIZE");
    for (Platform p : PlatformRegistry.defaults().all()) {
      out.printf("%-20s %-20s %d x %d%n", p.id(), p.name(), p.width(), p.height());
    }
    out.println();
    out.println("Any custom size can be asked for as WIDTHxHEIGHT, e.g. 1080x1350 (16-4096 px a side).");
    out.flush();
    return 0;
  }
}
