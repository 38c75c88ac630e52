package com.snapasset.examples.cli;

import com.snapasset.ConfigurationException;
import com.snapasset.InvalidRequestException;
import com.snapasset.SnapAssetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code snapasset}: turn a prompt into images for every social platform from the command line.
 *
 * <p>Exit codes: 0 success, 1 the generation failed, 2 the input was refused.
 */
@Command(
    name = "snapasset",
    mixinStandardHelpOptions = true,
    versionProvider = SnapAssetCli.Version.class,
    description = "Turns one text prompt into publish-ready images for every social platform.",
    subcommands = {GenerateCommand.class, PresetsCommand.class, ServeCommand.class, WorkerCommand.class,
        CommandLine.HelpCommand.class})
public final class SnapAssetCli {
  static final int EXIT_FAILED = 1;
  static final int EXIT_INVALID = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, for tests and embedding. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new SnapAssetCli());
    cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof InvalidRequestException invalid) {
        commandLine.getErr().println("Invalid input:");
        invalid.problems().forEach(p -> commandLine.getErr().println("  - " + p));
        return EXIT_INVALID;
      }
      if (e instanceof ConfigurationException invalid) {
        commandLine.getErr().println("Invalid configuration:");
        invalid.problems().forEach(p -> commandLine.getErr().println("  - " + p));
        return EXIT_INVALID;
      }
      if (e instanceof SnapAssetException failure) {
        commandLine.getErr().println("Failed: " + failure.getMessage());
        return EXIT_FAILED;
      }
      throw e;
    });
    return cl;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SnapAssetCli.class.getPackage().getImplementationVersion();
      return new String[] {"snapasset " + (v != null ? v : "(development build)")};
    }
  }
}
