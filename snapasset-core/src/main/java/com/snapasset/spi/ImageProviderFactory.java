package com.snapasset.spi;

import com.snapasset.ImageOptions;
import java.util.Map;
import java.util.Optional;

/**
 * Makes an {@link ImageProvider} from the environment, found through {@link
 * java.util.ServiceLoader}: with an adapter on the class path and its settings in the environment
 * (e.g. {@code OPENAI_API_KEY}), {@code AssetGenerator.builder().build()} uses it instead of the
 * offline placeholder.
 *
 * <p>Register an implementation in {@code
 * META-INF/services/com.snapasset.spi.ImageProviderFactory}.
 */
public interface ImageProviderFactory {

  /**
   * A provider configured from {@code environment}, or empty when the settings it needs are absent.
   *
   * @throws com.snapasset.InvalidRequestException when settings are present but invalid
   * @param environment variables, e.g. {@link System#getenv()}
   * @return a provider, or empty when the environment does not configure one
   */
  Optional<ImageProvider> fromEnvironment(Map<String, String> environment);

  /**
   * Refuses image options the way this factory's provider would, whether or not it is configured.
   * When no factory answers, the offline placeholder stands in and checks options with the
   * highest-priority factory's rules, so a request is valid or invalid the same way with or
   * without the provider's key. The default accepts everything.
   *
   * @param options the image options of a request
   * @throws com.snapasset.InvalidRequestException listing what is not supported and what is
   */
  default void validate(ImageOptions options) {}

  /**
   * Among several factories that answer, the highest priority wins.
   *
   * @return the priority; default 0
   */
  default int priority() {
    return 0;
  }
}
