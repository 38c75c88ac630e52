package com.snapasset.internal;

import com.snapasset.ConfigurationException;
import com.snapasset.InvalidRequestException;
import com.snapasset.embedded.PlaceholderImageProvider;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the image provider, and says why. A provider set in code wins and the environment is
 * not consulted. Otherwise every {@link ImageProviderFactory} found by {@link
 * java.util.ServiceLoader} is asked; of those that find their settings, the highest priority wins
 * (ties broken by factory class name, so the choice does not depend on class-path order) and the
 * others are closed. With none, the offline placeholder is used. Invalid settings of the winner
 * fail the start; invalid settings of a factory that would have lost are logged and ignored.
 */
final class ProviderSelection {
  private static final Logger log = LoggerFactory.getLogger(ProviderSelection.class);

  /**
   * The chosen provider.
   *
   * @param provider the provider
   * @param owned whether the engine created it (and closes it)
   * @param reason one sentence for the start-up log: what was chosen, from where, over what
   */
  record Choice(ImageProvider provider, boolean owned, String reason) {}

  private ProviderSelection() {}

  static Choice choose(
      @Nullable ImageProvider explicit, Map<String, String> environment, Iterable<ImageProviderFactory> factories) {
    Choice choice = explicit != null
        ? new Choice(explicit, false, "Image provider: " + explicit.name()
            + " (set in code with imageProvider(..); environment discovery skipped)")
        : fromEnvironment(environment, factories);
    log.info(choice.reason());
    return choice;
  }

  private record Found(ImageProviderFactory factory, ImageProvider provider) {
    String describe() {
      return provider.name() + " (" + factory.getClass().getSimpleName() + ", priority " + factory.priority() + ")";
    }
  }

  private static Choice fromEnvironment(Map<String, String> environment, Iterable<ImageProviderFactory> factories) {
    List<ImageProviderFactory> ordered = new ArrayList<>();
    factories.forEach(ordered::add);
    ordered.sort(Comparator.comparingInt(ImageProviderFactory::priority).reversed()
        .thenComparing(f -> f.getClass().getName()));
    List<Found> found = new ArrayList<>();
    List<String> invalid = new ArrayList<>();
    for (ImageProviderFactory factory : ordered) {
      Optional<ImageProvider> provider;
      try {
        provider = factory.fromEnvironment(environment);
      } catch (ConfigurationException | InvalidRequestException e) {
        // InvalidRequestException: what adapters written before ConfigurationException throw.
        if (found.isEmpty()) {
          throw e; // the one that would win is misconfigured: say so rather than fall back
        }
        invalid.add(factory.getClass().getSimpleName() + " (" + e.getMessage() + ")");
        continue;
      }
      provider.ifPresent(p -> found.add(new Found(factory, p)));
    }
    if (found.isEmpty()) {
      String names = ordered.isEmpty() ? "no provider adapter is on the class path"
          : "no adapter found its settings in the environment (looked for: "
              + ordered.stream().map(f -> f.getClass().getSimpleName()).toList() + ")";
      if (ordered.isEmpty()) {
        return new Choice(PlaceholderImageProvider.create(), true,
            "Image provider: placeholder (offline, draws a picture from the prompt): " + names
                + ". For real images add an adapter such as snapasset-adapters-openai and set OPENAI_API_KEY.");
      }
      // An adapter is present but not configured: its rules still decide which options are valid,
      // so a request is valid or invalid the same way before and after its key is set.
      return new Choice(PlaceholderImageProvider.standingInFor(ordered.get(0)), true,
          "Image provider: placeholder (offline, draws a picture from the prompt), checking image options as "
              + ordered.get(0).getClass().getSimpleName() + " would: " + names + ". Set its key for real images.");
    }
    Found winner = found.get(0);
    StringBuilder reason = new StringBuilder("Image provider: ").append(winner.provider().name())
        .append(" (configured from the environment by ").append(winner.factory().getClass().getSimpleName())
        .append(", priority ").append(winner.factory().priority()).append(")");
    if (found.size() > 1) {
      List<Found> losers = found.subList(1, found.size());
      reason.append("; also configured: ").append(losers.stream().map(Found::describe).toList())
          .append(" — the highest priority wins")
          .append(losers.get(0).factory().priority() == winner.factory().priority()
              ? " (a tie, broken by factory class name)" : "")
          .append("; set imageProvider(..) to choose explicitly");
      losers.forEach(l -> close(l.provider()));
    }
    if (!invalid.isEmpty()) {
      reason.append("; ignored invalid settings of ").append(invalid);
    }
    return new Choice(winner.provider(), true, reason.toString());
  }

  private static void close(ImageProvider provider) {
    if (provider instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("closing the unused image provider {} failed", provider.name(), e);
      }
    }
  }
}
