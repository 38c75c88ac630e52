package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.ImageOptions;
import com.snapasset.InvalidRequestException;
import com.snapasset.Platform;
import com.snapasset.PlatformRegistry;
import com.snapasset.RequestProblem;
import com.snapasset.spi.ImageProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks what a {@link GenerationRequest} cannot check alone: that every platform is known and
 * that the provider serves the image options. Reports every problem at once. The one validator
 * behind {@code AssetGenerator.validate}, {@code submit}, {@code generate} and the worker.
 */
final class RequestValidator {
  private final PlatformRegistry platforms;
  private final ImageProvider provider;

  RequestValidator(PlatformRegistry platforms, ImageProvider provider) {
    this.platforms = platforms;
    this.provider = provider;
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
    List<RequestProblem> problems = problems(request.platforms(), request.image());
    if (!problems.isEmpty()) {
      throw InvalidRequestException.of(problems);
    }
    return request.platforms().stream().map(id -> platforms.resolve(id).orElseThrow()).toList();
  }
}
