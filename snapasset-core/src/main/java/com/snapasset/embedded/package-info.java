/**
 * Adapters that need nothing installed: they keep their state in this JVM (or on its local disk),
 * which makes them the defaults of {@code AssetGenerator} and the reference implementations that
 * pass each port's contract suite.
 */
@NullMarked
package com.snapasset.embedded;

import org.jspecify.annotations.NullMarked;
