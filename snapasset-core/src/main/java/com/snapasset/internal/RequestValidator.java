package com.snapasset.internal;

import com.snapasset.GenerationRequest;
import com.snapasset.InvalidRequestException;
import com.snapasset.Platform;
import com.snapasset.PlatformRegistry;
import com.snapasset.spi.ImageProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks what a {@link GenerationRequest} cannot check alone: that every platform is known and
 * that the provider serves the image options. Reports every problem at once.
 */
public final class RequestValidator {
  private final PlatformRegistry platforms;
  private final ImageProvider provider;

  public RequestValidator(PlatformRegistry platforms, ImageProvider provider) {
    this.platforms = platforms;
    this.provider = provider;
  }

  /**
   * The request's platforms, resolved in the order requested.
   *
   * @throws InvalidRequestException listing every problem
   */
  public List<Platform> validate(GenerationRequest request) {
    List<String> problems = new ArrayList<>();
    List<Platform> resolved = new ArrayList<>();
    for (String id : request.platforms()) {
      Optional<Platform> p = platforms.resolve(id);
      if (p.isPresent()) {
        resolved.add(p.get());
      } else if (id.matches("\\d{1,5}x\\d{1,5}")) {
        problems.add("custom size '" + id + "' is out of range: use " + Platform.MIN_SIDE + "-"
            + Platform.MAX_SIDE + " px a side, e.g. 1080x1350");
      } else {
        problems.add("platform '" + id + "' is not known: use one of " + platforms.ids()
            + " or a custom size WIDTHxHEIGHT");
      }
    }
    try {
      provider.validate(request.image());
    } catch (InvalidRequestException e) {
      problems.addAll(e.problems());
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(problems);
    }
    return resolved;
  }
}
