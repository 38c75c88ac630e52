package com.snapasset.examples.cli;

import com.snapasset.AssetGenerator;
import com.snapasset.GenerationRequest;
import com.snapasset.GenerationResult;
import com.snapasset.InvalidRequestException;
import com.snapasset.OutputOptions;
import com.snapasset.SourceFetchPolicy;
import com.snapasset.SourceImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code snapasset render photo.jpg -p ...}: an image you already have, rendered for every platform
 * at its exact size. No provider is called and nothing is paid for.
 */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = "Renders an existing image (a file, or an https URL) for every platform and writes the files to a folder.")
final class RenderCommand implements Callable<Integer> {
  /** The largest local file read; the decoder's own guards (pixels, format) apply after. */
  static final long MAX_FILE_BYTES = 50L * 1024 * 1024;

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG or WebP file, or an https:// URL.")
  String image = "";

  @Option(names = {"-p", "--platforms"}, split = ",", paramLabel = "ID",
      defaultValue = "instagram-post,instagram-story,twitter-post,twitter-header,facebook-post,facebook-cover,linkedin-post,youtube-thumbnail,pinterest-pin",
      description = "Platform ids or custom sizes WxH, comma-separated (default: every preset). See 'snapasset presets'.")
  List<String> platforms = new ArrayList<>();

  @Mixin OutputFlags flags = new OutputFlags();

  @Option(names = "--allow-private-urls",
      description = "Fetch URLs on loopback and private networks too (off by default: only public https addresses).")
  boolean allowPrivate;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    GenerationRequest request = request();
    SourceFetchPolicy policy = SourceFetchPolicy.defaults().withAllowPrivateNetworks(allowPrivate);
    try (AssetGenerator generator =
        AssetGenerator.builder().outputDirectory(flags.out).sourceFetchPolicy(policy).build()) {
      GenerationResult result = generator.generate(request);
      OutputFlags.printTable(out, result, "no provider called");
      return 0;
    }
  }

  private GenerationRequest request() {
    List<String> problems = new ArrayList<>();
    OutputOptions output = flags.parse(problems);
    SourceImage source = null;
    try {
      source = source();
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return GenerationRequest.builder()
        .userId(flags.userId)
        .source(source)
        .platforms(platforms)
        .output(output)
        .build();
  }

  private SourceImage source() {
    String lower = image.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://") || lower.startsWith("http://")) {
      return SourceImage.ofUrl(image);
    }
    Path file = Path.of(image);
    if (!Files.isRegularFile(file)) {
      throw new InvalidRequestException("image file '" + image + "' does not exist or is not a file");
    }
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw new InvalidRequestException(
            "image file '" + image + "' has " + size + " bytes: use at most " + MAX_FILE_BYTES);
      }
      return SourceImage.ofBytes(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new InvalidRequestException("image file '" + image + "' cannot be read: " + e.getMessage());
    }
  }
}
