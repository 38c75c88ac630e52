package com.snapasset.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.snapasset.ConfigurationException;
import com.snapasset.spi.ImagePrompt;
import com.snapasset.spi.ImageProvider;
import com.snapasset.spi.ImageProviderFactory;
import com.snapasset.spi.ProviderImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderSelectionTest {
  private final List<String> asked = new ArrayList<>();
  private final List<String> closed = new ArrayList<>();

  @Test
  void aProviderSetInCodeWinsAndNoFactoryIsAsked() {
    Fake explicit = new Fake("mine");

    ProviderSelection.Choice choice = ProviderSelection.choose(explicit, Map.of("OPENAI_API_KEY", "sk-x"),
        List.of(factory("openai", 100, true)));

    assertThat(choice.provider()).isSameAs(explicit);
    assertThat(choice.owned()).isFalse();
    assertThat(choice.reason()).contains("mine").contains("set in code");
    assertThat(asked).isEmpty();
  }

  @Test
  void theHighestPriorityThatFindsItsSettingsWinsAndTheOthersAreClosedAndNamed() {
    ProviderSelection.Choice choice = ProviderSelection.choose(null, Map.of(),
        List.of(factory("google", 90, true), factory("azure-openai", 110, false), factory("openai", 100, true)));

    assertThat(choice.provider().name()).isEqualTo("openai");
    assertThat(choice.owned()).isTrue();
    assertThat(asked).containsExactly("azure-openai", "openai", "google");
    assertThat(closed).containsExactly("google");
    assertThat(choice.reason())
        .startsWith("Image provider: openai (configured from the environment by")
        .contains("priority 100")
        .contains("also configured: [google (")
        .contains("the highest priority wins")
        .doesNotContain("a tie");
  }

  @Test
  void aTieIsBrokenByFactoryClassNameAndSaidSo() {
    ProviderSelection.Choice choice = ProviderSelection.choose(null, Map.of(),
        List.of(new ZFactory(), new AFactory()));

    assertThat(choice.provider().name()).isEqualTo("a");
    assertThat(choice.reason()).contains("a tie, broken by factory class name");
  }

  @Test
  void withoutSettingsThePlaceholderIsUsedAndTheReasonNamesWhatWasLookedFor() {
    ProviderSelection.Choice none = ProviderSelection.choose(null, Map.of(), List.of(factory("openai", 100, false)));
    ProviderSelection.Choice noAdapters = ProviderSelection.choose(null, Map.of(), List.of());

    assertThat(none.provider().name()).isEqualTo("placeholder");
    assertThat(none.reason()).contains("no adapter found its settings").contains("looked for");
    assertThat(noAdapters.reason()).contains("no provider adapter is on the class path");
  }

  @Test
  void invalidSettingsFailTheStartOnlyWhenTheyWouldHaveWon() {
    ImageProviderFactory broken = new ImageProviderFactory() {
      @Override
      public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
        throw new ConfigurationException("GOOGLE_CLOUD_PROJECT is not set");
      }

      @Override
      public int priority() {
        return 90;
      }
    };

    ProviderSelection.Choice survived = ProviderSelection.choose(null, Map.of(), List.of(factory("openai", 100, true), broken));
    assertThat(survived.provider().name()).isEqualTo("openai");
    assertThat(survived.reason()).contains("ignored invalid settings").contains("GOOGLE_CLOUD_PROJECT is not set");

    assertThatThrownBy(() -> ProviderSelection.choose(null, Map.of(), List.of(factory("openai", 80, true), broken)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("GOOGLE_CLOUD_PROJECT");
  }

  private ImageProviderFactory factory(String name, int priority, boolean configured) {
    return new ImageProviderFactory() {
      @Override
      public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
        asked.add(name);
        return configured ? Optional.of(new Fake(name)) : Optional.empty();
      }

      @Override
      public int priority() {
        return priority;
      }
    };
  }

  static final class AFactory implements ImageProviderFactory {
    @Override
    public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
      return Optional.of(new ProviderSelectionTest().new Fake("a"));
    }
  }

  static final class ZFactory implements ImageProviderFactory {
    @Override
    public Optional<ImageProvider> fromEnvironment(Map<String, String> environment) {
      return Optional.of(new ProviderSelectionTest().new Fake("z"));
    }
  }

  final class Fake implements ImageProvider, AutoCloseable {
    private final String name;

    Fake(String name) {
      this.name = name;
    }

    @Override
    public ProviderImage generate(ImagePrompt prompt) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void close() {
      closed.add(name);
    }
  }
}
