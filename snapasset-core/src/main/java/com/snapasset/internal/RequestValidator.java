package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Platform;
import com.snapasset.PlatformRegistry;
import com.snapasset.RequestProblem;
import com.snapasset.SourceFetchPolicy;
import com.snapasset.SourceImage;
import com.snapasset.spi.ImageProvider;
import java.util.ArrayList;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Checks what a {@link GenerationRequest} cannot check alone: that every platform is known, that
 * the provider serves the image options, and that a source image fits the {@link
 * SourceFetchPolicy} (size; scheme and, for an address written as an IP, the address: host names
 * are resolved and checked when the image is fetched). Reports every problem at once. The one validator
 * behind {@code AssetGenerator.validate}, {@code submit}, {@code generate} and the worker.
 */
final class RequestValidator {
  private final PlatformRegistry platforms;
  private final ImageProvider provider;
  private final SourceFetchPolicy sourcePolicy;

  RequestValidator(PlatformRegistry platforms, ImageProvider provider, SourceFetchPolicy sourcePolicy) {
    this.platforms = platforms;
    this.provider = provider;
    this.sourcePolicy = sourcePolicy;
  }

  /**
   * Every problem of these platform ids (each distinct, non-blank one once: the request itself
   * reports blanks and repeats) and image options; empty when they can run.
   */
  List<RequestProblem> problems(List<String> platformIds, ImageOptions image) {
    List<RequestProblem> problems = new ArrayList<>();
    platformIds.stream().filter(id -> !id.isBlank()).distinct().forEach(id ->
        platforms.problemWith(id).ifPresent(m -> problems.add(RequestProblem.of("platforms", m))));
    try {
      provider.validate(image);
    } catch (InvalidRequestException e) {
      e.problems().forEach(m -> problems.add(RequestProblem.of("image", m)));
    }
    return problems;
  }

  /**
   * The request's platforms, resolved in the order requested.
   *
   * @throws InvalidRequestException listing every problem
   */
  List<Platform> validate(GenerationRequest request) {
    List<RequestProblem> problems;
    if (request.source() == null) {
      problems = problems(request.platforms(), request.image());
    } else {
      // No provider is called: its options do not matter, the source's limits do.
      problems = new ArrayList<>();
      request.platforms().stream().filter(id -> !id.isBlank()).distinct().forEach(id ->
          platforms.problemWith(id).ifPresent(m -> problems.add(RequestProblem.of("platforms", m))));
      sourceProblem(request.source()).ifPresent(m -> problems.add(RequestProblem.of("source", m)));
    }
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of(problems);
    }
    return request.platforms().stream().map(id -> platforms.resolve(id).orElseThrow()).toList();
  }

  private java.util.Optional<String> sourceProblem(SourceImage source) {
    if (source.bytes().isPresent()) {
      int size = source.bytes().get().length;
      return size > sourcePolicy.maxBytes()
          ? java.util.Optional.of("source image has " + size + " bytes: use at most " + sourcePolicy.maxBytes())
          : java.util.Optional.empty();
    }
    URI uri = source.uri().orElseThrow();
    if (uri.getScheme().toLowerCase(Locale.ROOT).equals("http") && !sourcePolicy.allowHttp()) {
      return java.util.Optional.of("source image URL must be https: http is off (SourceFetchPolicy.allowHttp)");
    }
    String host = uri.getHost();
    if (!sourcePolicy.allowPrivateNetworks()) {
      if (host.equalsIgnoreCase("localhost") || host.toLowerCase(Locale.ROOT).endsWith(".localhost")) {
        return java.util.Optional.of("source image URL names " + host + ": only public addresses are fetched");
      }
      if (host.startsWith("[") || host.matches("[0-9.]+")) {
        try {
          // A literal address: no DNS lookup happens here.
          InetAddress address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
          if (!PublicAddresses.isPublic(address)) {
            return java.util.Optional.of("source image URL names " + address.getHostAddress()
                + ", which is not a public address (SourceFetchPolicy.allowPrivateNetworks is off)");
          }
        } catch (UnknownHostException e) {
          return java.util.Optional.of("source image URL host '" + host + "' is not a valid address");
        }
      }
    }
    return java.util.Optional.empty();
  }
}
