package com.snapasset.internal;

/** What a job depends on that can be down without the job being at fault. */
enum Dependency {
  PROVIDER("image provider"),
  STORAGE("asset storage"),
  CATALOG("generation catalog");

  private final String label;

  Dependency(String label) {
    this.label = label;
  }

  /** How messages name it. */
  public String label() {
    return label;
  }
}
