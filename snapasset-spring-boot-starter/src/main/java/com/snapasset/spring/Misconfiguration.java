package com.snapasset.spring;

import com.snapasset.ConfigurationException;

/** Start-up errors that say which setting is wrong and what fixes it. */
final class Misconfiguration {
  private Misconfiguration() {}

  /** A setting names an adapter whose module is missing: failing beats silently using memory. */
  static ConfigurationException missingModule(String property, String module) {
    return new ConfigurationException(property + " is set, but " + module
        + " is not on the class path: add the dependency com.snapasset:" + module
        + " (or remove the setting)");
  }
}
